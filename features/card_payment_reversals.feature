@epic:Billing @story:Card_payment_reversals @provider_fakes
Feature: Credit bought with a card payment that is refunded or disputed is taken back
  A merchant tops up by card and spends the credit. If that card payment is later refunded, or
  the card holder disputes it with their bank, the money has gone back to the card, so the
  credit it bought is taken back, with an entry in the ledger. The balance never goes below
  zero: when the wallet no longer holds enough, nothing is taken, the wallet is put on hold so
  that nothing more can be spent, and the provider's message is kept for an operator.
  A partial refund takes back only what was refunded.

  Background:
    Given a merchant has signed up
    And the merchant's card payments go through
    And the merchant has asked to top up 2000 credits

  @req:MON-3 @critical @severity:blocker
  Scenario Outline: A refunded or disputed top-up is taken back when the wallet holds enough
    Given the payment provider has confirmed the payment
    And the merchant's wallet holds <balance> credits in all
    When the payment provider reports that the top-up's payment was <reversed>
    Then the merchant's wallet holds <left> credits
    And the ledger shows credit taken back as 2000
    And the top-up is recorded as <reversed>
    And the merchant's wallet is not on hold
    And the ledger adds up to the balance

    Examples:
      | balance | reversed | left |
      | 2000    | refunded | 0    |
      | 2000    | disputed | 0    |
      | 2500    | refunded | 500  |
      | 2500    | disputed | 500  |

  @req:MON-3 @severity:normal
  Scenario Outline: Credit taken back as it should be puts nothing in front of an operator
    Given the payment provider has confirmed the payment
    When the payment provider reports that the top-up's payment was <reversed>
    Then the merchant's wallet holds 0 credits
    And the platform's operators are not alerted

    Examples:
      | reversed |
      | refunded |
      | disputed |

  @req:MON-3 @severity:normal
  Scenario: The same refund delivered twice puts nothing in front of an operator
    Given the payment provider has confirmed the payment
    When the payment provider reports that the top-up's payment was refunded
    And the payment provider delivers the same refund again
    Then the merchant's wallet holds 0 credits
    And the platform's operators are not alerted

  @req:MON-3 @severity:normal
  Scenario: A refund of a top-up not yet credited puts nothing in front of an operator
    Given the merchant's wallet has been topped up with 2000 credits
    When the payment provider reports that the top-up's payment was refunded
    Then the merchant's wallet holds 2000 credits
    And the platform's operators are not alerted

  @req:MON-4 @critical @severity:blocker
  Scenario Outline: A wallet that holds one credit too few is put on hold instead of going below zero
    Given the payment provider has confirmed the payment
    And the merchant has spent 1 credit
    When the payment provider reports that the top-up's payment was <reversed>
    Then the merchant's wallet holds 1999 credits
    And the ledger shows nothing taken back
    And the merchant's wallet is on hold
    And the payment provider's message is kept for an operator
    And the ledger adds up to the balance

    Examples:
      | reversed |
      | refunded |
      | disputed |

  @req:MON-4 @critical @severity:critical
  Scenario: Nothing can be spent from a wallet on hold
    Given the payment provider has confirmed the payment
    And the merchant has spent 1 credit
    And the payment provider has reported that the top-up's payment was disputed
    When the merchant tries to spend 100 credits
    Then the request is refused because the wallet is on hold
    And the merchant's wallet holds 1999 credits

  @req:MON-4 @severity:critical
  Scenario: A phone number cannot be bought from a wallet on hold
    Given the payment provider has confirmed the payment
    And the merchant has spent 1 credit
    And the payment provider has reported that the top-up's payment was disputed
    And the telephony provider sells numbers
    When the merchant asks for a dedicated phone number
    Then the request is refused because the wallet is on hold
    And the telephony provider was not asked for a number
    And the merchant's wallet holds 1999 credits

  @req:MON-3 @critical @severity:blocker
  Scenario: The same refund delivered twice takes the credit back once
    Given the payment provider has confirmed the payment
    And the merchant's wallet has been topped up with 2000 credits
    When the payment provider reports that the top-up's payment was refunded
    And the payment provider delivers the same refund again
    Then the second delivery is acknowledged
    And the merchant's wallet holds 2000 credits
    And the ledger shows credit taken back as 2000

  @req:MON-3 @critical @severity:critical
  Scenario: Partial refunds take back only what was refunded
    Given the payment provider has confirmed the payment
    When the payment provider reports that 500 credits of the top-up's payment were refunded
    And the payment provider reports that 1500 credits of the top-up's payment were refunded in all
    Then the merchant's wallet holds 500 credits
    And the ledger shows credit taken back as 500, 1000
    And the top-up is recorded as refunded
    And the ledger adds up to the balance

  @req:MON-3 @severity:critical
  Scenario: A refund of a single credit takes back that one credit
    Given the payment provider has confirmed the payment
    When the payment provider reports that 1 credit of the top-up's payment was refunded
    Then the merchant's wallet holds 1999 credits
    And the ledger shows credit taken back as 1
    And the merchant's wallet is not on hold
    And the ledger adds up to the balance

  @req:MON-3 @severity:critical
  Scenario: A refund and a dispute of the same payment take its credit back once
    Given the payment provider has confirmed the payment
    And the merchant's wallet has been topped up with 2000 credits
    When the payment provider reports that the top-up's payment was refunded
    And the payment provider reports that the top-up's payment was disputed
    Then the merchant's wallet holds 2000 credits
    And the ledger shows credit taken back as 2000

  @req:MON-3 @severity:critical
  Scenario: An older refund arriving after a newer one takes nothing more
    Given the payment provider has confirmed the payment
    When the payment provider's refunds arrive in this order: 2000 at 10:01, 500 at 10:00
    Then the merchant's wallet holds 0 credits
    And the ledger shows credit taken back as 2000

  @req:MON-4 @critical @severity:critical
  Scenario Outline: A refund or dispute that does not match the top-up holds the wallet for an operator
    Given the payment provider has confirmed the payment
    When the payment provider reports that the top-up's payment was <reversed> <difference>
    Then the merchant's wallet holds 2000 credits
    And the ledger shows nothing taken back
    And the merchant's wallet is on hold
    And the payment provider's message is kept for an operator
    And the operator is told why: "<why>"

    Examples:
      | reversed | difference                       | why                                                   |
      | refunded | in euros                         | The payment was reversed in EUR, not GBP.             |
      | disputed | in euros                         | The payment was reversed in EUR, not GBP.             |
      | refunded | in US dollars                    | The payment was reversed in USD, not GBP.             |
      | disputed | in US dollars                    | The payment was reversed in USD, not GBP.             |
      | disputed | for 2001 credits                 | 2001 pence were reversed of a top-up of 2000 pence.   |
      | refunded | for 2001 credits                 | 2001 pence were reversed of a top-up of 2000 pence.   |
      | refunded | for -1 credits                   | -1 pence were reversed of a top-up of 2000 pence.     |
      | disputed | for 0 credits                    | 0 pence were reversed of a top-up of 2000 pence.      |
      | refunded | for 2000 credits written as text | '2000' pence were reversed of a top-up of 2000 pence. |
      | disputed | for 2000 credits written as text | '2000' pence were reversed of a top-up of 2000 pence. |

  @req:MON-3 @critical @severity:critical
  Scenario: A refund of a top-up that was never credited takes nothing back, even when its payment is confirmed later
    Given the merchant's wallet has been topped up with 2000 credits
    When the payment provider reports that the top-up's payment was refunded
    Then the merchant's wallet holds 2000 credits
    And the ledger shows nothing taken back
    When the payment provider confirms the payment
    Then the merchant's wallet holds 2000 credits
    And the ledger shows credit taken back as 2000
    And the merchant's wallet is not on hold
    And the ledger adds up to the balance

  @req:MON-3 @severity:normal
  Scenario: A dispute of a payment the platform does not know is acknowledged and changes nothing
    Given the payment provider has confirmed the payment
    When the payment provider reports a dispute of a payment the platform does not know
    Then the message is acknowledged
    And the merchant's wallet holds 2000 credits
    And the ledger shows nothing taken back
    And the merchant's wallet is not on hold
