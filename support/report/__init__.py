"""What reaches the Allure report: evidence attachments, redaction of secrets, results folder."""
