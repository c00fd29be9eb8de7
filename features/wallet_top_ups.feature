@epic:Billing @story:Top-ups @provider_fakes
Feature: Topping up the wallet by card
  Merchants pay for the platform from a prepaid wallet. They add money by card: one pound buys
  one hundred credits, so credits are counted in pence. The card payment goes through the
  payment provider, and the wallet is credited only once the provider confirms that the money
  has arrived; asking to pay is not the same as having paid.

  Background:
    Given a merchant has signed up
    And the merchant's card payments go through

  @req:BIL-1 @req:BIL-2 @smoke @critical @severity:blocker
  Scenario: A top-up is credited once the payment provider confirms the payment
    When the merchant tops up 2000 credits
    Then the payment provider was asked for exactly 2000 pence, once, with the top-up's idempotency key
    And the merchant's wallet still holds 0 credits
    When the payment provider confirms the payment
    Then the merchant's wallet holds 2000 credits
    And the ledger shows a top-up of 2000 credits
    And the top-up is recorded as paid

  @req:BIL-2 @req:BIL-6 @severity:critical
  Scenario Outline: A confirmation that writes the currency <spelling> is credited like any other
    When the merchant tops up 2000 credits
    And the payment provider confirms the payment, writing its currency <spelling>
    Then the merchant's wallet holds 2000 credits
    And the ledger shows a top-up of 2000 credits
    And the top-up is recorded as paid

    Examples:
      | spelling      |
      | in capitals   |
      | in mixed case |

  @req:BIL-1 @severity:critical
  Scenario Outline: The payment provider is asked for the amount in pence
    When the merchant tops up <credits> credits
    Then the payment provider was asked for exactly <credits> pence, once, with the top-up's idempotency key
    And the merchant's wallet still holds 0 credits

    Examples:
      | credits |
      | 100     |
      | 4999    |
      | 100000  |

  @req:BIL-3 @severity:normal
  Scenario Outline: Top-ups must be whole credits within the limits
    When the merchant tries to top up <amount>
    Then the top-up is refused as invalid
    And the payment provider was not asked for any payment
    And the merchant's wallet still holds 0 credits

    Examples:
      | amount                     |
      | 99 credits                 |
      | 100001 credits             |
      | 0 credits                  |
      | a negative amount          |
      | a fraction of a credit     |
      | an amount written as words |

  @req:BIL-4 @severity:critical
  Scenario Outline: A top-up the payment provider cannot take fails plainly and credits nothing
    Given the payment provider <trouble>
    When the merchant tries to top up 2000 credits
    Then the merchant is told the payment provider is not available
    And the top-up is recorded as failed
    And the merchant's wallet still holds 0 credits

    Examples:
      | trouble             |
      | is down             |
      | does not answer     |

  @req:BIL-4 @severity:critical
  Scenario: Without the payment provider's credentials a top-up fails plainly and credits nothing
    Given the platform has been deployed without the payment provider's credentials
    When the merchant tries to top up 2000 credits
    Then the merchant is told the payment provider is not available
    And the top-up is recorded as failed
    And the payment provider was not asked for any payment
    And the merchant's wallet still holds 0 credits

  @req:BIL-5 @severity:critical
  Scenario: A payment the provider reports as failed credits nothing
    When the merchant tops up 2000 credits
    And the payment provider reports that the payment failed
    Then the merchant's wallet still holds 0 credits
    And the top-up is recorded as failed

  @req:BIL-5 @severity:critical
  Scenario: A card the payment provider declines at once credits nothing
    Given the payment provider declines the merchant's card
    When the merchant tries to top up 2000 credits
    Then the merchant is told the card was declined
    And the top-up is recorded as failed
    And the merchant's wallet still holds 0 credits

  @story:Tenancy @req:TEN-1 @severity:critical
  Scenario Outline: A top-up that is not the merchant's own is reported as not found
    Given another merchant has asked to top up 2000 credits
    When the merchant looks up <which>
    Then the top-up is reported as not found, exactly like one that never existed

    Examples:
      | which                                                  |
      | the other merchant's top-up                            |
      | a top-up that never existed                            |
      | a top-up by a reference in no form the platform gives  |
