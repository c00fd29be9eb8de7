@epic:Orders @story:Stock_reservations @provider_fakes
Feature: Stock held for an order while its card is paid
  While a customer's card is being charged, the order's units are held for it: still in the
  merchant's stock, but no longer available to anyone else. A paid order then takes them from
  the stock; a declined one gives them back at once. A hold lasts fifteen minutes unless the
  merchant chooses a shorter time, and a hold that runs out gives its units back by itself.

  Background:
    Given a merchant has signed up
    And the merchant sells "LAMP-7" at 4500 pence with 4 in stock
    And the payment provider takes its time to answer

  @req:ORD-2 @req:ORD-1 @critical @severity:blocker
  Scenario: Held while the card is charged, then sold once it is paid
    When a customer orders 3 of "LAMP-7" and the payment is under way
    Then the order holds 3 of "LAMP-7" for close to 900 seconds
    And the stock of "LAMP-7" is 4
    And 1 of "LAMP-7" is available
    When the payment provider confirms the card payment
    Then the order is paid
    And the stock of "LAMP-7" is 1
    And the order holds no reservations
    And 1 of "LAMP-7" is available

  @req:ORD-2 @req:ORD-3 @severity:critical
  Scenario: Held while the card is charged, then given back when it is declined
    When a customer orders 3 of "LAMP-7" and the payment is under way
    Then the order holds 3 of "LAMP-7" for close to 900 seconds
    And 1 of "LAMP-7" is available
    When the payment provider declines the card
    Then the order is refused because the card was declined
    And the order holds no reservations
    And the stock of "LAMP-7" is 4
    And 4 of "LAMP-7" are available

  @req:ORD-6 @severity:critical
  Scenario: The same order sent again while the first is still being placed is refused for now, and charged once
    When a customer orders 3 of "LAMP-7" and the payment is under way
    And the shop sends the same order again while it is being placed
    Then the repeat is refused because the order is still being placed
    When the payment provider confirms the card payment
    Then the order is paid
    And the payment provider was asked to charge a card 1 time
    And the stock of "LAMP-7" is 1

  @req:ORD-5 @slow @severity:critical
  Scenario: A hold that runs out gives its units back by itself
    Given the merchant holds stock for orders for 2 seconds
    When a customer orders 3 of "LAMP-7" and the payment is under way
    Then the order holds 3 of "LAMP-7" for close to 2 seconds
    When the hold has a moment left
    Then the order holds 3 of "LAMP-7" for close to 2 seconds
    And 1 of "LAMP-7" is available
    When the hold has just run out
    Then the order holds no reservations
    And 4 of "LAMP-7" are available
    And the stock of "LAMP-7" is 4
    When the payment provider declines the card
    Then the order is refused because the card was declined

  @req:ORD-10 @slow @critical @severity:critical
  Scenario: A customer whose hold ran out before the card was charged, and whose units were sold meanwhile, is refunded and the order fails
    Given the merchant holds stock for orders for 2 seconds
    And the payment provider accepts refunds
    When a customer orders 3 of "LAMP-7" and the payment is under way
    And the hold has just run out
    And another customer buys 2 of "LAMP-7" meanwhile
    And the payment provider confirms the card payment
    Then the order is refused because its items sold out before the card payment went through
    And the payment provider was asked to refund 13500 pence of the order's payment
    And the order is recorded as failed
    And the order needs no review
    And the order holds no reservations
    And the stock of "LAMP-7" is 2
    And 2 of "LAMP-7" are available

  @req:ORD-10 @slow @severity:critical
  Scenario: A customer whose hold ran out is still sold the units when exactly enough are left
    Given the merchant holds stock for orders for 2 seconds
    And the payment provider accepts refunds
    When a customer orders 3 of "LAMP-7" and the payment is under way
    And the hold has just run out
    And another customer buys 1 of "LAMP-7" meanwhile
    And the payment provider confirms the card payment
    Then the order is paid
    And the payment provider was not asked for a refund
    And the order holds no reservations
    And the stock of "LAMP-7" is 0
    And 0 of "LAMP-7" are available

  @req:ORD-10 @slow @severity:critical
  Scenario: A sold-out order whose refund the payment provider refuses waits for an operator
    Given the merchant holds stock for orders for 2 seconds
    And the payment provider will refuse to give the customer's money back
    When a customer orders 3 of "LAMP-7" and the payment is under way
    And the hold has just run out
    And another customer buys 2 of "LAMP-7" meanwhile
    And the payment provider confirms the card payment
    Then the order is refused because its items sold out before the card payment went through
    And the order is recorded as failed
    And the merchant sees that the order needs review because the customer must be paid back
    And the platform's operators are alerted that the order needs review
    And the stock of "LAMP-7" is 2
    And 2 of "LAMP-7" are available

  @req:ORD-2 @severity:normal
  Scenario Outline: A merchant may hold stock for orders for <seconds> seconds
    Given the merchant holds stock for orders for 30 seconds
    When the merchant chooses to hold stock for orders for <seconds> seconds
    Then the merchant's orders hold their units for <seconds> seconds

    Examples:
      | seconds |
      | 1       |
      | 900     |

  @req:ORD-2 @severity:normal
  Scenario Outline: A hold of <seconds> seconds is refused as invalid
    Given the merchant holds stock for orders for 30 seconds
    When the merchant tries to hold stock for orders for <seconds> seconds
    Then the order request is refused as invalid
    And the merchant's orders hold their units for 30 seconds

    Examples:
      | seconds |
      | 0       |
      | 901     |
