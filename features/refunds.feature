@epic:Orders @story:Refunds @provider_fakes
Feature: Refunding a paid order, whole or in part
  A merchant can give a customer's money back for a whole order or for some of its units. The
  payment provider refunds exactly that amount of the order's payment, the units go back into
  stock, and the order keeps count of what was refunded, so that nothing is ever refunded twice.
  A refund that cannot be made changes nothing at all.

  Background:
    Given a merchant has signed up
    And the merchant sells "MUG-01" at 1250 pence with 5 in stock
    And the merchant sells "TEA-02" at 399 pence with 10 in stock
    And the merchant's card payments go through
    And a customer has paid for 2 of "MUG-01" and 3 of "TEA-02"

  @req:REF-1 @smoke @critical @severity:blocker
  Scenario: A whole order is refunded
    Given the payment provider accepts refunds
    When the merchant refunds the whole order
    Then the refund is of 3697 pence
    And the payment provider was asked to refund 3697 pence of the order's payment
    And the order is refunded, with 2 of "MUG-01" and 3 of "TEA-02" refunded
    And the stock of "MUG-01" is 5
    And the stock of "TEA-02" is 10

  @req:REF-2 @severity:critical
  Scenario: Some of an order's units are refunded
    Given the payment provider accepts refunds
    When the merchant refunds 1 of "MUG-01"
    Then the refund is of 1250 pence
    And the payment provider was asked to refund 1250 pence of the order's payment
    And the order is still paid, with 1 of "MUG-01" refunded
    And the stock of "MUG-01" is 4
    And the stock of "TEA-02" is 7

  @req:REF-2 @severity:critical
  Scenario: Refunding all but one unit leaves the order paid
    Given the payment provider accepts refunds
    When the merchant refunds 2 of "MUG-01" and 2 of "TEA-02"
    Then the refund is of 3298 pence
    And the order is still paid, with 2 of "MUG-01" and 2 of "TEA-02" refunded

  @req:REF-2 @severity:critical
  Scenario: A refund that leaves one unit of an item it does not name leaves the order paid
    Given the payment provider accepts refunds
    And the merchant has refunded 2 of "TEA-02"
    When the merchant refunds 2 of "MUG-01"
    Then the order is still paid, with 2 of "MUG-01" and 2 of "TEA-02" refunded

  @req:REF-1 @req:REF-2 @severity:critical
  Scenario Outline: Refunding the whole order after a partial refund refunds exactly the rest
    Given the payment provider accepts refunds
    And the merchant has refunded <earlier>
    When the merchant refunds the whole order
    Then the refund is of <pence> pence
    And the refund names only <rest>
    And the order is refunded, with 2 of "MUG-01" and 3 of "TEA-02" refunded

    Examples:
      | earlier      | pence | rest                          |
      | 1 of "MUG-01" | 2447  | 1 of "MUG-01" and 3 of "TEA-02" |
      | 2 of "MUG-01" | 1197  | 3 of "TEA-02"                   |

  @req:REF-3 @severity:critical
  Scenario: A fully refunded order cannot be refunded again
    Given the payment provider accepts refunds
    And the merchant has refunded 2 of "MUG-01" and 3 of "TEA-02"
    When the merchant tries to refund the whole order
    Then the refund is refused because the order is not paid
    And the order has 1 refund totalling 3697 pence

  @req:REF-2 @req:REF-3 @severity:critical
  Scenario: Two partial refunds can add up to the whole order, exactly
    Given the payment provider accepts refunds
    When the merchant refunds 1 of "MUG-01"
    And the merchant refunds 1 of "MUG-01" and 3 of "TEA-02"
    Then the payment provider was asked to refund 1250 and 2447 pence of the order's payment
    And the order is refunded, with 2 of "MUG-01" and 3 of "TEA-02" refunded
    And the order has 2 refunds totalling 3697 pence
    And the stock of "MUG-01" is 5
    And the stock of "TEA-02" is 10

  @req:REF-3 @severity:critical
  Scenario: One unit more than is left to refund is refused
    Given the payment provider accepts refunds
    And the merchant has refunded 1 of "MUG-01"
    When the merchant tries to refund 2 of "MUG-01"
    Then the refund is refused as more than is left
    And the payment provider was asked to refund 1250 pence of the order's payment
    And the order is still paid, with 1 of "MUG-01" refunded
    And the order has 1 refund totalling 1250 pence
    And the stock of "MUG-01" is 4

  @req:REF-3 @severity:critical
  Scenario: An order that was never paid cannot be refunded
    Given the payment provider accepts refunds
    And a customer's card was declined for 1 of "MUG-01"
    When the merchant tries to refund the declined order
    Then the refund is refused because the order is not paid
    And the payment provider was not asked for a refund
    And the declined order has 0 refunds totalling 0 pence
    And the declined order is still failed, with nothing refunded
    And the stock of "MUG-01" is 3

  @req:REF-4 @severity:critical
  Scenario: Another merchant cannot refund the merchant's order
    Given another merchant has signed up
    And the payment provider accepts refunds
    When the other merchant tries to refund the merchant's order
    Then the refund is reported as not found
    And the payment provider was not asked for a refund
    And the order is still paid, with nothing refunded
    And the stock of "MUG-01" is 3

  @req:REF-5 @severity:critical
  Scenario: A refund the payment provider refuses changes nothing
    Given the payment provider refuses refunds
    When the merchant tries to refund the whole order
    Then the merchant is told the refund could not be made
    And the order is still paid, with nothing refunded
    And the order has 0 refunds totalling 0 pence
    And the stock of "MUG-01" is 3
    And the stock of "TEA-02" is 7

  @req:REF-5 @severity:critical
  Scenario Outline: A refund the payment provider cannot be asked for changes nothing
    Given the payment provider <trouble>
    When the merchant tries to refund the whole order
    Then the merchant is told the payment provider is not available
    And the order is still paid, with nothing refunded
    And the order has 0 refunds totalling 0 pence
    And the stock of "MUG-01" is 3

    Examples:
      | trouble         |
      | is down         |
      | does not answer |

  @req:REF-3 @severity:normal
  Scenario: A refund of an item the order does not have is refused and changes nothing
    Given the payment provider accepts refunds
    When the merchant tries to refund 1 of "TEA-02" and 1 of "CUP-03"
    Then the refund is refused as invalid
    And the payment provider was not asked for a refund
    And the order is still paid, with nothing refunded
    And the stock of "TEA-02" is 7

  @req:REF-6 @critical @severity:critical
  Scenario: A refund sent twice with the same key refunds once
    Given the payment provider accepts refunds
    When the merchant refunds 1 of "MUG-01" with the key "refund-7"
    And the merchant sends the same refund of 1 of "MUG-01" again with the key "refund-7"
    Then both answers name the same refund of 1250 pence
    And the payment provider was asked to refund 1250 pence of the order's payment
    And the order has 1 refund totalling 1250 pence
    And the stock of "MUG-01" is 4

  @req:REF-6 @critical @severity:critical
  Scenario Outline: A key that made one refund never makes another, even after a day
    Given the payment provider accepts refunds
    And the merchant refunded 1 of "MUG-01" with the key "refund-7" <age> ago
    When the merchant tries to refund 1 of "TEA-02" with the same key "refund-7"
    Then the request is refused because its key was used for another request
    And the payment provider was asked to refund 1250 pence of the order's payment
    And the order has 1 refund totalling 1250 pence
    And the stock of "TEA-02" is 7

    Examples:
      | age                       |
      | 5 seconds less than a day |
      | 5 seconds more than a day |
