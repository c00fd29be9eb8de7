@epic:Accounts @story:Sign-in_protection
Feature: Guessing a merchant's password gets nowhere
  A merchant's password guards their wallet. Someone who tries password after password from
  one place is made to wait after a few wrong ones, even if they then hit on the right one; but
  guessing must never become a way to lock a merchant out: the merchant's own sign-ins, from
  where they work, and every other merchant's, carry on.

  Background:
    Given a merchant has signed up

  @req:SEC-8 @critical @severity:blocker
  Scenario: After five wrong passwords, even the right one must wait
    When someone tries 5 wrong passwords for the merchant's email address
    And the right password is tried from the same place
    Then the sign-in is refused as too many attempts, saying how long to wait

  @req:SEC-8 @severity:critical
  Scenario: After four wrong passwords the right one still signs in
    When someone tries 4 wrong passwords for the merchant's email address
    Then the merchant signs in with the right password

  @req:SEC-8 @severity:critical
  Scenario: Signing in with the right password starts the count of wrong ones afresh
    When someone tries 4 wrong passwords for the merchant's email address
    And the merchant signs in with the right password
    And someone tries 4 wrong passwords for the merchant's email address
    Then the merchant signs in with the right password

  @req:SEC-8 @critical @severity:critical
  Scenario: Someone guessing from elsewhere cannot lock the merchant out
    When someone tries 5 wrong passwords for the merchant's email address from another place
    Then the merchant signs in with the right password

  @req:SEC-8 @severity:critical
  Scenario: Other merchants sign in while one is being guessed at
    Given another merchant has signed up
    When someone tries 5 wrong passwords for the merchant's email address
    Then the other merchant signs in with the right password
