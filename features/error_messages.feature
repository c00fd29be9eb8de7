@epic:Platform @story:Error_messages
Feature: Error messages reveal nothing of the platform's internals
  When something is refused or goes wrong, merchants get one kind of answer: a reason and a plain
  sentence. It never shows how the platform is built, a merchant's access pass, or anything about
  another merchant, because each of those helps an attacker more than it helps the merchant.

  @req:ERR-1 @severity:critical
  Scenario Outline: Every refusal is a plain sentence that reveals nothing
    Given a merchant has signed up
    And another merchant has a team member
    When the merchant <mistake>
    Then the refusal is a reason with a plain sentence that reveals nothing of the platform's internals

    Examples:
      | mistake                                           |
      | reports wizard activity the wizard does not know  |
      | reports wizard activity at step 7                 |
      | sends a garbled activity report                   |
      | completes onboarding with a business name that is not text |
      | asks for a page that does not exist               |
      | looks up the other merchant's team member         |
      | tries to sign in with a wrong password            |
      | uses an expired access token                      |
