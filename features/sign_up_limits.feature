@epic:Accounts @story:Sign-up_limits
Feature: One place cannot open accounts without end
  Anyone may sign up, so someone could open account after account from one place, or try
  address after address to learn which already have an account. Sign-ups from one client
  address are limited (20 an hour unless the deployment says otherwise); past the limit that
  place waits, told for how long, while people signing up anywhere else carry on.

  Background:
    Given the platform is deployed allowing 3 sign-ups an hour from one address

  @req:SEC-11 @critical @severity:critical
  Scenario: Past the limit, sign-ups from one place must wait
    When 3 merchants sign up from one place
    And another merchant tries to sign up from the same place
    Then the sign-up is refused as too many attempts, saying how long to wait
    And no account was opened for that merchant

  @req:SEC-11 @critical @severity:critical
  Scenario: Sign-ups from one place do not hold back anyone else
    When 3 merchants sign up from one place
    And another merchant tries to sign up from another place
    Then that merchant's sign-up is accepted
