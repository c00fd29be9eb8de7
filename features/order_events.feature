@epic:Webhooks @story:Order_events @provider_fakes
Feature: Telling merchants' own systems when an order is paid or refunded
  A merchant's own systems ship the goods when an order is paid, and put their books right when
  money goes back to a customer. So the platform tells the address the merchant subscribed,
  signed so that the merchant can trust it, which order it was, what it came to in pence and
  which items it held. Every refund, whole or partial, says how much it gave back and how much of
  the order is refunded in all. An order that was never paid announces nothing, and no other
  merchant ever hears of the merchant's orders.

  Background:
    Given a merchant has signed up
    And the merchant sells "MUG-01" at 1250 pence with 5 in stock
    And the merchant sells "TEA-02" at 399 pence with 10 in stock
    And the merchant's card payments go through
    And the merchant's receiver accepts deliveries

  @req:WHO-10 @req:WHO-3 @smoke @critical @severity:blocker
  Scenario: A paid order is delivered to the merchant, signed so that the merchant can verify it
    Given the merchant has subscribed its receiver to order payments
    When a customer orders 2 of "MUG-01" and 3 of "TEA-02"
    And the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And every delivery verifies with the secret the merchant was shown
    And the delivery says the customer's order was paid: 3697 pence for 2 of "MUG-01" and 3 of "TEA-02"
    And the merchant sees the delivery delivered after 1 attempt
    And the platform recorded the order's payment with 1 delivery

  @req:WHO-10 @critical @severity:critical
  Scenario: An order whose card is declined is announced to no one
    Given the merchant has subscribed its receiver to order payments and order refunds
    And a customer's card was declined for 1 of "MUG-01"
    When the delivery worker runs
    Then the merchant's receiver has received 0 deliveries
    And the platform recorded no event for the merchant

  @req:WHO-11 @critical @severity:critical
  Scenario Outline: A refund of <refunded> is announced with its own amount and the order's refunded total
    Given a customer has paid for 2 of "MUG-01" and 3 of "TEA-02"
    And the payment provider accepts refunds
    And the merchant has subscribed its receiver to order refunds
    When the merchant refunds <refunded>
    And the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And every delivery verifies with the secret the merchant was shown
    And the delivery says <pence> pence of the customer's order were refunded, for <items>
    And the delivery says <in all> of the order's 3697 pence are refunded in all, so it is <state> refunded

    Examples:
      | refunded                        | pence | items                           | in all | state  |
      | the whole order                 | 3697  | 2 of "MUG-01" and 3 of "TEA-02" | 3697   | fully  |
      | 1 of "MUG-01"                   | 1250  | 1 of "MUG-01"                   | 1250   | partly |
      | 2 of "MUG-01" and 2 of "TEA-02" | 3298  | 2 of "MUG-01" and 2 of "TEA-02" | 3298   | partly |

  @req:WHO-11 @severity:critical
  Scenario: The refund that completes an earlier partial refund says the order is now fully refunded
    Given a customer has paid for 2 of "MUG-01" and 3 of "TEA-02"
    And the payment provider accepts refunds
    And the merchant has refunded 1 of "MUG-01"
    And the merchant has subscribed its receiver to order refunds
    When the merchant refunds 1 of "MUG-01" and 3 of "TEA-02"
    And the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And the delivery says 2447 pence of the customer's order were refunded, for 1 of "MUG-01" and 3 of "TEA-02"
    And the delivery says 3697 of the order's 3697 pence are refunded in all, so it is fully refunded

  @req:WHO-4 @req:WHO-10 @req:WHO-11 @severity:critical
  Scenario: A subscription that did not ask for order events receives none of them
    Given the merchant has subscribed its receiver to wallet top-ups and onboarding completion
    And the payment provider accepts refunds
    And a customer has paid for 2 of "MUG-01" and 3 of "TEA-02"
    When the merchant refunds the whole order
    And the delivery worker runs
    Then the merchant's receiver has received 0 deliveries
    And the platform recorded the order's payment and its refund, each with 0 deliveries

  @req:WHO-4 @req:WHO-10 @req:WHO-11 @critical @severity:blocker
  Scenario: Another merchant's subscription never receives the merchant's order events
    Given another merchant has signed up
    And the other merchant's receiver accepts deliveries
    And the other merchant has subscribed its receiver to order payments and order refunds
    And the merchant has subscribed its receiver to order payments and order refunds
    And the payment provider accepts refunds
    And a customer has paid for 2 of "MUG-01" and 3 of "TEA-02"
    When the merchant refunds 1 of "MUG-01"
    And the delivery worker runs for both merchants
    Then the merchant's receiver has received 2 deliveries
    And the other merchant's receiver has received 0 deliveries
