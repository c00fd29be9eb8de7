@epic:Accounts @story:Sign-up
Feature: A merchant's password is hard to guess
  A password is all that stands between a stranger and a merchant's wallet. Following NIST's
  guidance for passwords (SP 800-63B), the platform asks for a long one rather than for symbols,
  refuses the passwords people use most and those that are easy to guess, and says plainly what
  to change.

  @req:SEC-9 @critical @severity:critical
  Scenario Outline: A password that is short or easy to guess is refused, saying what to change
    When someone signs up with <password>
    Then the sign-up is refused as invalid
    And the merchant is told "<advice>"
    And no organisation is created for that email address

    Examples:
      | password                                | advice                             |
      | a password of 14 characters             | at least 15 characters             |
      | a password of fifteen identical letters | too easy to guess                  |
      | a commonly used password                | most commonly used passwords       |
      | a password of keyboard patterns         | too easy to guess                  |
      | a password with a zero-width space      | must not contain hidden characters |
      | a password with a tab                   | must not contain hidden characters |

  @req:SEC-9 @severity:normal
  Scenario: A hard-to-guess password of exactly 15 characters is accepted
    When someone signs up with a password of exactly 15 characters
    Then the merchant can sign in with that email and password
