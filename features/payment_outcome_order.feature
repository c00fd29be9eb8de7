@epic:Billing @story:Payment_provider_events @provider_fakes
Feature: The newest word of the payment provider decides a top-up
  A customer whose card is declined may try another card on the same payment, so the payment
  provider can say "failed" and later "succeeded" for one top-up; and its messages do not
  always arrive in the order it sent them. The platform follows the time the provider gave each
  message, not the time it arrived: money taken is always credited, exactly once, and an old
  message never overrules a newer one.

  Background:
    Given a merchant has signed up
    And the merchant's card payments go through
    And the merchant has asked to top up 2000 credits

  @req:MON-1 @critical @severity:blocker
  Scenario Outline: The payment provider's newest message decides the top-up, whatever order they arrive in
    When the payment provider's messages arrive in this order: <arrivals>
    Then the merchant's wallet holds <credits> credits
    And the top-up is recorded as <outcome>
    And the ledger adds up to the balance

    Examples:
      | arrivals                                              | credits | outcome |
      | failed at 10:00, succeeded at 10:01                   | 2000    | paid    |
      | succeeded at 10:01, failed at 10:00                   | 2000    | paid    |
      | failed at 10:00, succeeded at 10:00                   | 2000    | paid    |
      | failed at 10:00, failed at 10:02, succeeded at 10:01  | 0       | failed  |
      | failed at 10:01, succeeded at 10:00                   | 0       | failed  |
      | succeeded at 10:00, failed at 10:01                   | 2000    | paid    |
      | failed at 10:00, succeeded at 10:01, failed at 10:02  | 2000    | paid    |
