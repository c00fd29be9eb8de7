@epic:Billing @story:Wallet_and_ledger @provider_fakes
Feature: Spending credits, the ledger and its summary
  Every movement of a merchant's money is an entry in the wallet's ledger: top-ups and refunds
  add, charges take away. The balance is never below zero, and the ledger always adds up to the
  balance, even when many charges arrive at the same moment.

  Background:
    Given a merchant has signed up

  @req:WAL-1 @smoke @severity:critical
  Scenario: Spending credits takes them from the wallet and shows in the ledger
    Given the merchant's wallet has been topped up with 2000 credits
    When the merchant spends 350 credits on "Call minutes"
    Then the merchant's wallet holds 1650 credits
    And the ledger shows a charge of 350 credits

  @req:WAL-1 @severity:critical
  Scenario: Spending more than the wallet holds is refused and changes nothing
    Given the merchant's wallet has been topped up with 500 credits
    When the merchant tries to spend 501 credits
    Then the charge is refused for lack of credit
    And the merchant is told the wallet needs at least £5.01
    And the merchant's wallet holds 500 credits
    And the ledger has no new entries

  @req:WAL-1 @severity:normal
  Scenario: The whole balance can be spent
    Given the merchant's wallet has been topped up with 500 credits
    When the merchant spends 500 credits on "Call minutes"
    Then the merchant's wallet holds 0 credits

  @req:WAL-1 @severity:normal
  Scenario Outline: A charge can be any whole number of credits from 1 to 100,000
    Given the merchant's wallet has been topped up with 100000 credits
    And the merchant's wallet has been topped up with 100000 credits
    When the merchant spends <credits> credits on "Call minutes"
    Then the merchant's wallet holds <left> credits
    And the ledger shows a charge of <credits> credits

    Examples:
      | credits | left   |
      | 1       | 199999 |
      | 100000  | 100000 |

  @req:WAL-1 @severity:normal
  Scenario Outline: A charge described in <length> characters is <outcome>
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant tries to spend 1500 credits on a description of <length> characters
    Then the charge is <outcome>
    And the merchant's wallet holds <left> credits

    Examples:
      | length | outcome             | left |
      | 1      | taken               | 3500 |
      | 200    | taken               | 3500 |
      | 201    | refused as invalid  | 5000 |

  @req:WAL-1 @severity:normal
  Scenario Outline: A charge outside 1 to 100,000 credits is refused as invalid
    Given the merchant's wallet has been topped up with 100000 credits
    And the merchant's wallet has been topped up with 100000 credits
    When the merchant tries to spend <credits> credits
    Then the charge is refused as invalid
    And the merchant's wallet holds 200000 credits
    And the ledger has no new entries

    Examples:
      | credits |
      | 0       |
      | 100001  |

  @req:WAL-2 @critical @severity:blocker
  Scenario: Many charges at the same moment never overdraw the wallet
    Given the merchant's wallet has been topped up with 1000 credits
    When the merchant spends 300 credits 8 times at the same moment
    Then 3 charges succeed and the others are refused for lack of credit
    And the merchant's wallet holds 100 credits
    And the ledger adds up to the balance

  @req:WAL-2 @severity:critical
  Scenario: The platform's records themselves refuse a negative balance
    Given the merchant's wallet has been topped up with 500 credits
    Then the platform's records refuse to set the merchant's balance below zero

  @req:WAL-3 @severity:normal
  Scenario: The ledger is shown a page at a time, newest first, without repeats or gaps
    Given the merchant's wallet has been topped up with 2500 credits
    And the merchant has made 24 small purchases
    When the merchant reads the ledger 10 entries at a time
    Then the pages hold 10, 10 and 5 entries
    And every entry appears exactly once, newest first

  @req:WAL-3 @severity:normal
  Scenario Outline: A page holds from 1 to 100 entries
    Given the merchant's wallet has been topped up with 10000 credits
    And the merchant has made <purchases> small purchases
    When the merchant reads the ledger <size> entries at a time
    Then the pages hold <pages> entries
    And every entry appears exactly once, newest first

    Examples:
      | purchases | size | pages       |
      | 2         | 1    | 1, 1 and 1  |
      | 100       | 100  | 100 and 1   |

  @req:WAL-3 @severity:minor
  Scenario Outline: A page of the ledger must be asked for sensibly
    When the merchant asks for the ledger with <request>
    Then the ledger request is refused as invalid

    Examples:
      | request              |
      | a page of 0 entries  |
      | a page of 101 entries |
      | a negative start     |
      | a start past a billion entries |

  @req:WAL-4 @severity:critical
  Scenario: The summary agrees with the balance
    Given the merchant's wallet has been topped up with 3000 credits
    And a phone number the telephony provider failed to deliver was refunded
    And the merchant has a dedicated phone number
    When the merchant spends 200 credits on "Call minutes"
    Then the wallet summary shows 3000 purchased, 2200 spent, 1000 refunded and 0 bonus
    And the summary's net equals the balance of 1800 credits

  @req:WAL-5 @severity:normal
  Scenario: A view-only team member sees the wallet but cannot spend from it
    Given the merchant's wallet has been topped up with 500 credits
    And the merchant has a team member with view-only access
    When the team member tries to spend 100 credits
    Then the request is refused because the role does not allow it
    And the team member sees a balance of 500 credits

  @req:WAL-5 @req:TEN-2 @severity:critical
  Scenario: One merchant never sees another merchant's wallet
    Given the merchant's wallet has been topped up with 700 credits
    And another merchant has signed up
    Then the other merchant sees a balance of 0 credits and an empty ledger
