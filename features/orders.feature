@epic:Orders @story:Placing_orders @provider_fakes
Feature: Customers' orders, paid by card, with the stock reserved first
  Merchants sell products from their stock through their shop on the platform. A customer's
  order first reserves its units, so that no one else can buy them while the card is paid; then
  the card is charged for exactly the order's total. Only a paid order takes units from the
  stock; an order that cannot be filled or paid gives its units back at once and charges
  nothing. A shop that sends the same order twice (a double click, a retry after a timeout) gets
  the same order back and the customer is charged once.

  Background:
    Given a merchant has signed up
    And the merchant sells "MUG-01" at 1250 pence with 5 in stock

  @req:ORD-1 @smoke @critical @severity:blocker
  Scenario: A customer's order is paid and its units leave the stock
    Given the merchant's card payments go through
    When a customer orders 2 of "MUG-01"
    Then the order is paid
    And the payment provider was asked to charge exactly 2500 pence for the order, once, with its idempotency key
    And the stock of "MUG-01" is 3
    And 3 of "MUG-01" are available
    And the order holds no reservations
    And the order's idempotency key is remembered

  @req:ORD-1 @severity:critical
  Scenario: An order of several products is paid in one payment
    Given the merchant sells "TEA-02" at 399 pence with 10 in stock
    And the merchant's card payments go through
    When a customer orders 2 of "MUG-01" and 3 of "TEA-02"
    Then the order is paid
    And the payment provider was asked to charge exactly 3697 pence for the order, once, with its idempotency key
    And the stock of "MUG-01" is 3
    And the stock of "TEA-02" is 7
    And the order holds no reservations
    And the order's idempotency key is remembered

  @req:ORD-1 @req:ORD-9 @severity:normal
  Scenario: An order of 1000 units of a product, the most one order takes, is paid
    Given the merchant sells "PEN-04" at 10 pence with 1000 in stock
    And the merchant's card payments go through
    When a customer orders 1000 of "PEN-04"
    Then the order is paid
    And the payment provider was asked to charge exactly 10000 pence for the order, once, with its idempotency key
    And the stock of "PEN-04" is 0

  @req:ORD-1 @req:ORD-9 @severity:normal
  Scenario: An order naming 50 products, the most one order names, is paid
    Given the merchant sells 50 more products at 10 pence with 1 in stock each
    And the merchant's card payments go through
    When a customer orders 1 of each of those 50 products
    Then the order is paid
    And the payment provider was asked to charge exactly 500 pence for the order, once, with its idempotency key

  @req:ORD-1 @req:ORD-4 @severity:critical
  Scenario: The last units in stock can be bought, and no more
    Given the merchant's card payments go through
    When a customer orders 5 of "MUG-01"
    Then the order is paid
    And the stock of "MUG-01" is 0
    When another customer tries to order 1 of "MUG-01"
    Then the order is refused as out of stock
    And the stock of "MUG-01" is 0

  @req:ORD-4 @severity:critical
  Scenario: An order for more than the stock is refused and nothing is charged
    When a customer tries to order 6 of "MUG-01"
    Then the order is refused as out of stock
    And the payment provider was not asked for any payment
    And the order is recorded as failed
    And the order holds no reservations
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available
    And the order's idempotency key is remembered

  @req:ORD-4 @severity:critical
  Scenario: One unavailable item fails the whole order and releases the others' reservations
    Given the merchant sells "TEA-02" at 399 pence with 1 in stock
    When a customer tries to order 2 of "MUG-01" and 2 of "TEA-02"
    Then the order is refused as out of stock
    And the payment provider was not asked for any payment
    And the order holds no reservations
    And 5 of "MUG-01" are available
    And 1 of "TEA-02" is available
    And the order's idempotency key is remembered

  @req:ORD-3 @severity:critical
  Scenario: A declined card fails the order and gives its units back at once
    Given the customer's card is declined
    When a customer tries to order 2 of "MUG-01"
    Then the order is refused because the card was declined
    And the order is recorded as failed
    And the order holds no reservations
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available
    And the order's idempotency key is remembered

  @req:ORD-3 @severity:critical
  Scenario Outline: An order the payment provider cannot take fails and gives its units back
    Given the payment provider <trouble>
    When a customer tries to order 2 of "MUG-01"
    Then the order is refused because card payments are not available
    And the order is recorded as failed
    And the order holds no reservations
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available

    Examples:
      | trouble         |
      | is down         |
      | does not answer |

  @req:ORD-3 @severity:critical
  Scenario Outline: A card payment the payment provider answers as neither paid nor processing fails the order
    Given the payment provider answers the card payment as <answer>
    When a customer tries to order 2 of "MUG-01"
    Then the order is refused because the card was declined
    And the order is recorded as failed
    And the order holds no reservations
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available

    Examples:
      | answer                                 |
      | canceled                               |
      | waiting for the customer to confirm it |

  @req:ORD-11 @req:REF-1 @severity:critical
  Scenario: The payment provider's word that a refunded order's payment went through, arriving late, changes nothing
    Given the merchant's card payments go through
    And the payment provider accepts refunds
    And a customer has paid for 2 of "MUG-01"
    When the merchant refunds the whole order
    And the payment provider says the order's payment succeeded now
    Then the order needs no review
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available

  @req:ORD-13 @critical @severity:critical
  Scenario: A payment the payment provider did not answer for but took all the same sells nothing, and is put in front of an operator
    Given the payment provider does not answer
    When a customer tries to order 2 of "MUG-01"
    Then the order is refused because card payments are not available
    When the payment provider says the payment it did not answer for succeeded
    Then the message is acknowledged
    And the order is recorded as failed
    And the merchant sees that the order needs review because the card was charged 2500 GBP for this order after the payment provider did not answer
    And the platform's operators are alerted that the order needs review, naming the payment taken
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available

  @req:ORD-13 @severity:critical
  Scenario Outline: Whatever else the payment provider says of a payment it did not answer for, money it took is put in front of an operator
    Given the payment provider does not answer
    When a customer tries to order 2 of "MUG-01"
    And the payment provider's messages about the payment it did not answer for arrive in this order: <arrivals>
    Then the message is acknowledged
    And the order is recorded as failed
    And the merchant sees that the order needs review because the card was charged 2500 GBP
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available

    Examples:
      | arrivals                            |
      | failed at 10:00, succeeded at 10:01 |
      | failed at 10:01, succeeded at 10:00 |
      | succeeded at 10:00, failed at 10:01 |
      | succeeded at 10:01, failed at 10:00 |

  @req:ORD-13 @severity:critical
  Scenario Outline: The payment provider's word on a payment it did not answer for, sent again, puts the order in front of an operator once
    Given the payment provider does not answer
    When a customer tries to order 2 of "MUG-01"
    And the payment provider says the payment it did not answer for succeeded
    And the payment provider sends its word again<when>
    Then the order is recorded as failed
    And the merchant sees that the order needs review, once, because the card was charged 2500 GBP
    And the platform's operators are alerted once that the order needs review
    And the platform has recorded each of the payment provider's messages once
    And the stock of "MUG-01" is 5

    Examples:
      | when                                                 |
      |                                                      |
      | , once the platform's quick record of it is gone     |
      | , in a new message                                   |

  @req:ORD-13 @severity:critical
  Scenario: The payment provider's word that a payment it did not answer for failed leaves the order failed, with nothing to review
    Given the payment provider does not answer
    When a customer tries to order 2 of "MUG-01"
    And the payment provider says the payment it did not answer for failed
    Then the message is acknowledged
    And the order is recorded as failed
    And the order needs no review
    And the platform's operators are not alerted
    And the stock of "MUG-01" is 5
    And 5 of "MUG-01" are available

  @req:ORD-13 @severity:critical
  Scenario Outline: The payment provider's word on a payment that names an order otherwise than the platform did changes no merchant's order
    Given another merchant has signed up
    And the other merchant sells "MUG-01" at 1250 pence with 5 in stock
    And the payment provider does not answer
    When a customer tries to order 2 of "MUG-01"
    And a customer of the other merchant tries to order 2 of "MUG-01"
    And the payment provider says the payment it did not answer for succeeded, naming <naming>
    Then the message is acknowledged
    And the order is recorded as failed
    And the order needs no review
    And the other merchant's order is recorded as failed and needs no review
    And the platform's operators are not alerted
    And the stock of "MUG-01" is 5
    And the other merchant sells "MUG-01" at 1250 pence with 5 in stock

    Examples:
      | naming                                       |
      | the other merchant's order as the merchant's |
      | the merchant's order as the other merchant's |
      | the merchant's order and no merchant         |
      | the merchant and no order                    |
      | the merchant's order and a garbled merchant  |
      | a garbled order, as the merchant's           |

  @req:ORD-14 @critical @severity:critical
  Scenario: A second payment taken for a paid order leaves it paid, and is put in front of an operator
    Given the merchant's card payments go through
    And a customer has paid for 2 of "MUG-01"
    When the payment provider says a second payment for the order succeeded
    Then the message is acknowledged
    And the order is still paid, by its own payment
    And the merchant sees that the order, still paid, needs review because the customer was charged a second time for this order: 2500 GBP, naming the second payment
    And the platform's operators are alerted that the order needs review, naming the payment taken
    And the stock of "MUG-01" is 3
    And the order holds no reservations

  @req:ORD-14 @critical @severity:critical
  Scenario: A second payment taken for an order awaiting its own leaves it waiting for its own, and is put in front of an operator
    Given the customer's card payments are still processing when orders are placed
    When a customer orders 2 of "MUG-01"
    And the payment provider says a second payment for the order succeeded
    Then the message is acknowledged
    And the order is still awaiting its card payment, by its own payment
    And the merchant sees that the order, still awaiting its card payment, needs review because the customer was charged a second time for this order: 2500 GBP, naming the second payment
    And the platform's operators are alerted that the order needs review, naming the payment taken
    And the stock of "MUG-01" is 5
    And 3 of "MUG-01" are available
    When the payment provider says the order's payment succeeded now
    Then the order is recorded as paid
    And the stock of "MUG-01" is 3
    And the merchant sees that the order, still paid, needs review because the customer was charged a second time for this order: 2500 GBP, naming the second payment

  @req:ORD-14 @severity:critical
  Scenario Outline: The payment provider's word on a second payment, sent again, puts the order in front of an operator once
    Given the merchant's card payments go through
    And a customer has paid for 2 of "MUG-01"
    When the payment provider says a second payment for the order succeeded
    And the payment provider sends its word again<when>
    Then the order is still paid, by its own payment
    And the merchant sees that the order, still paid, needs review because the customer was charged a second time for this order: 2500 GBP, naming the second payment
    And the platform's operators are alerted once that the order needs review
    And the stock of "MUG-01" is 3

    Examples:
      | when                                             |
      |                                                  |
      | , once the platform's quick record of it is gone |

  @req:ORD-14 @severity:critical
  Scenario: Two second payments taken for one order are both put in front of an operator
    Given the merchant's card payments go through
    And a customer has paid for 2 of "MUG-01"
    When the payment provider says a second payment for the order succeeded
    And the payment provider says a second payment for the order succeeded
    Then the order is still paid, by its own payment
    And the merchant sees that the paid order needs review for each of the two second payments
    And the stock of "MUG-01" is 3

  @req:ORD-14 @critical @severity:critical
  Scenario Outline: The payment provider's word that a second payment failed changes nothing of the order
    Given <payments>
    When a customer orders 2 of "MUG-01"
    And the payment provider says a second payment for the order failed
    Then the message is acknowledged
    And the order is still <status>, by its own payment
    And the order needs no review
    And the platform's operators are not alerted
    And the stock of "MUG-01" is <stock>
    And 3 of "MUG-01" are available

    Examples:
      | payments                                                                  | status                    | stock |
      | the merchant's card payments go through                                   | paid                      | 3     |
      | the customer's card payments are still processing when orders are placed  | awaiting its card payment | 5     |

  @req:ORD-14 @severity:critical
  Scenario Outline: A second payment that names another merchant's order changes neither merchant's order
    Given the merchant's card payments go through
    And another merchant has signed up
    And the other merchant sells "MUG-01" at 1250 pence with 5 in stock
    And a customer has paid for 2 of "MUG-01"
    And a customer of the other merchant has paid for 2 of "MUG-01"
    When the payment provider says a second payment succeeded, naming <naming>
    Then the message is acknowledged
    And the order is still paid, by its own payment
    And the order needs no review
    And the other merchant's order is recorded as paid and needs no review
    And the platform's operators are not alerted
    And the stock of "MUG-01" is 3
    And the other merchant sells "MUG-01" at 1250 pence with 3 in stock

    Examples:
      | naming                                       |
      | the other merchant's order as the merchant's |
      | the merchant's order as the other merchant's |
      | the merchant's order and no merchant         |

  @req:ORD-6 @critical @severity:blocker
  Scenario: The same order sent twice is one order and one charge
    Given the merchant's card payments go through
    When a customer orders 2 of "MUG-01"
    And the shop sends the same order again
    Then the same paid order is returned
    And the payment provider was asked to charge a card 1 time
    And the merchant has 1 paid order
    And the stock of "MUG-01" is 3

  @req:ORD-6 @severity:normal
  Scenario: The same basket with its lines in another order is the same order
    Given the merchant sells "TEA-02" at 399 pence with 10 in stock
    And the merchant's card payments go through
    When a customer orders 2 of "MUG-01" and 3 of "TEA-02"
    And the shop sends the same key with 3 of "TEA-02" and 2 of "MUG-01"
    Then the same paid order is returned
    And the payment provider was asked to charge a card 1 time
    And the stock of "TEA-02" is 7

  @req:ORD-6 @severity:critical
  Scenario: A failed order sent again is the same failed order, and the card is not charged again
    Given the customer's card is declined
    When a customer tries to order 2 of "MUG-01"
    And the shop sends the same order again
    Then the order is refused because the card was declined
    And the payment provider was asked to charge a card 1 time
    And the merchant has 1 failed order
    And the stock of "MUG-01" is 5

  @req:ORD-6 @severity:critical
  Scenario Outline: The same key with a different basket is refused
    Given the merchant's card payments go through
    When a customer orders 2 of "MUG-01"
    And the shop sends the same key with <other> of "MUG-01"
    Then the order is refused as a repeat with a different basket
    And the payment provider was asked to charge a card 1 time
    And the merchant has 1 paid order
    And the stock of "MUG-01" is 3

    Examples:
      | other |
      | 3     |
      | 6     |

  @req:ORD-6 @req:ORD-9 @severity:normal
  Scenario Outline: An order sent under a key of <length> characters is paid
    Given the merchant's card payments go through
    When a customer orders 2 of "MUG-01" under a key of <length> characters
    Then the order is paid
    And the stock of "MUG-01" is 3

    Examples:
      | length |
      | 1      |
      | 200    |

  @req:ORD-9 @severity:normal
  Scenario: An order sent under a key of 201 characters is refused as invalid and charges nothing
    Given the merchant's card payments go through
    When a customer orders 2 of "MUG-01" under a key of 201 characters
    Then the order is refused as invalid
    And the payment provider was not asked for any payment
    And the stock of "MUG-01" is 5

  @req:ORD-6 @severity:normal
  Scenario: Another merchant's shop may use the same key for its own order
    Given the merchant's card payments go through
    And another merchant has signed up
    And the other merchant sells "MUG-01" at 999 pence with 2 in stock
    When a customer orders 2 of "MUG-01"
    And the other merchant's shop sends an order with the same key for 1 of "MUG-01"
    Then the other merchant's order is paid
    And the payment provider was asked to charge a card 2 times
    And the merchant has 1 paid order
    And the stock of "MUG-01" is 3

  @req:ORD-6 @severity:normal
  Scenario Outline: A shop asking for an order by a key it did not use for one finds none
    Given the merchant's card payments go through
    And another merchant has signed up
    And a customer has paid for 1 of "MUG-01"
    When <shop> asks for an order by <key>
    Then the order request is <refusal>

    Examples:
      | shop                       | key                      | refusal                         |
      | the shop                   | a key it never used      | refused because it is not found |
      | the other merchant's shop  | the key of that order    | refused because it is not found |
      | the shop                   | a key of 201 characters  | refused as invalid              |
      | the shop                   | a key with a space in it | refused as invalid              |

  @req:ACC-6 @severity:normal
  Scenario: A view-only team member cannot place an order
    Given the merchant has a team member with view-only access
    When the team member tries to order 1 of "MUG-01"
    Then the order request is refused because the role does not allow it
    And the merchant has no orders
    And the stock of "MUG-01" is 5

  @req:ACC-6 @severity:normal
  Scenario Outline: A view-only team member cannot change the products, the hold or a refund
    Given the merchant has a team member with view-only access
    And the merchant's card payments go through
    And the payment provider accepts refunds
    And a customer has paid for 1 of "MUG-01"
    When the team member tries to <change>
    Then the request is refused because the role does not allow it
    And the merchant does not sell "CUP-03"
    And the stock of "MUG-01" is 4
    And the merchant's orders hold their units for 900 seconds
    And the payment provider was not asked for a refund
    And the order is still paid, with nothing refunded

    Examples:
      | change                                     |
      | add "CUP-03" at 500 pence with 3 in stock  |
      | restock 5 of "MUG-01"                      |
      | hold stock for orders for 60 seconds       |
      | refund the customer's order                |

  @req:ORD-9 @severity:minor
  Scenario: An order for several products the merchant does not sell names the first of them
    Given the merchant's card payments go through
    When a customer tries to order 1 of "NOPE-1" and 1 of "MUG-01" and 1 of "NOPE-2"
    Then the order is refused because "NOPE-1" is not sold here
    And the payment provider was not asked for any payment
    And the merchant has no orders

  @req:ORD-9 @severity:normal
  Scenario Outline: An order the shop cannot send is refused and changes nothing
    Given the merchant's card payments go through
    When the shop sends an order <flaw>
    Then the order request is <refusal>
    And the payment provider was not asked for any payment
    And the merchant has no orders
    And the stock of "MUG-01" is 5

    Examples:
      | flaw                                      | refusal                              |
      | without an idempotency key                | refused as invalid                   |
      | for 0 of a product                        | refused as invalid                   |
      | for 1001 of a product                     | refused as invalid                   |
      | naming 51 products                        | refused as invalid                   |
      | naming a product twice                    | refused as invalid                   |
      | with no items                             | refused as invalid                   |
      | without a card                            | refused as invalid                   |
      | for a product the merchant does not sell  | refused because it is not found      |
