@epic:Orders @story:Payments_still_processing @provider_fakes
Feature: An order whose card payment is still processing is settled by the payment provider's newest word
  Some card payments are not settled the moment they are made: the payment provider says the
  payment is processing, and tells the platform later, in a signed message, whether it went
  through or failed. Until then the order waits with its units held for it. The provider's
  messages do not always arrive in the order it sent them, so the platform follows the time the
  provider gave each message, as it does for top-ups: a late "failed" never undoes a newer
  "succeeded", and a "succeeded" older than the order's latest failure does not pay it. Money
  taken for an order that was not paid is put in front of the platform's operators, because the
  customer must be paid back.

  Background:
    Given a merchant has signed up
    And the merchant sells "LAMP-7" at 4500 pence with 4 in stock
    And the customer's card payments are still processing when orders are placed

  @req:ORD-11 @critical @severity:blocker
  Scenario: An order waits with its units held until the payment provider says its payment went through
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to order payments
    When a customer orders 3 of "LAMP-7"
    Then the order awaits its card payment
    And the order holds 3 of "LAMP-7" for close to 900 seconds
    And the stock of "LAMP-7" is 4
    And 1 of "LAMP-7" is available
    When the payment provider says the order's payment succeeded now
    And the delivery worker runs
    Then the order is recorded as paid
    And the stock of "LAMP-7" is 1
    And 1 of "LAMP-7" is available
    And the order holds no reservations
    And the merchant's receiver has received 1 delivery
    And the delivery says the customer's order was paid: 13500 pence for 3 of "LAMP-7"

  @req:ORD-11 @severity:critical
  Scenario: The payment provider's word settles the order whose payment it is, even without naming the order
    When a customer orders 3 of "LAMP-7"
    Then the order awaits its card payment
    When the payment provider says the order's payment succeeded now, without naming the order
    Then the order is recorded as paid
    And the stock of "LAMP-7" is 1

  @req:ORD-11 @critical @severity:critical
  Scenario: An order whose payment then fails gives its units back at once
    When a customer orders 3 of "LAMP-7"
    And the payment provider says the order's payment failed now
    Then the order is recorded as failed
    And the order holds no reservations
    And the stock of "LAMP-7" is 4
    And 4 of "LAMP-7" are available
    And the order needs no review

  @req:ORD-11 @critical @severity:critical
  Scenario Outline: A payment that goes through for another amount or currency does not pay the order, and is put in front of an operator
    When a customer orders 3 of "LAMP-7"
    And the payment provider says the order's payment succeeded for <paid>
    Then the order is recorded as failed
    And the stock of "LAMP-7" is 4
    And 4 of "LAMP-7" are available
    And the order holds no reservations
    And the merchant sees that the order needs review because the payment was confirmed for <seen>
    And the platform's operators are alerted that the order needs review

    Examples:
      | paid                             | seen              |
      | 13499 pence                      | 13499 GBP         |
      | 13501 pence                      | 13501 GBP         |
      | 13500 euro cents                 | 13500 EUR         |
      | 13500 US cents                   | 13500 USD         |
      | 13500 pence naming no currency   | 13500 no currency |

  @req:ORD-11 @severity:critical
  Scenario Outline: A paid order whose payment is then confirmed for another amount or currency stays paid, and is put in front of an operator
    When a customer orders 3 of "LAMP-7"
    And the payment provider says the order's payment succeeded now
    And the payment provider says the order's payment succeeded for <paid>
    Then the order is recorded as paid
    And the stock of "LAMP-7" is 1
    And the merchant sees that the order, still paid, needs review because the payment was confirmed for <seen>
    And the platform's operators are alerted that the order needs review

    Examples:
      | paid             | seen      |
      | 13499 pence      | 13499 GBP |
      | 13500 euro cents | 13500 EUR |

  @req:ORD-11 @severity:critical
  Scenario Outline: A payment that goes through with its currency written <spelling> pays the order
    When a customer orders 3 of "LAMP-7"
    And the payment provider says the order's payment succeeded for 13500 pence written <spelling>
    Then the order is recorded as paid
    And the stock of "LAMP-7" is 1
    And the order holds no reservations
    And the order needs no review

    Examples:
      | spelling      |
      | in capitals   |
      | in mixed case |

  @req:ORD-6 @req:ORD-11 @severity:critical
  Scenario: The same order sent again while its payment is processing is the same order, still waiting
    When a customer orders 3 of "LAMP-7"
    And the shop sends the same order again
    Then the order awaits its card payment
    And the payment provider was asked to charge a card 1 time
    And 1 of "LAMP-7" is available

  @req:ORD-11 @severity:normal
  Scenario Outline: The payment provider's word on a payment that is no order's is acknowledged and changes nothing
    When a customer orders 3 of "LAMP-7"
    And the payment provider says a payment <which> succeeded
    Then the message is acknowledged
    And the order awaits its card payment
    And 1 of "LAMP-7" is available

    Examples:
      | which                               |
      | that is no order's                  |
      | naming an order that does not exist |

  @req:ORD-12 @critical @severity:critical
  Scenario Outline: The payment provider's newest message decides the order, whatever order they arrive in
    When a customer orders 3 of "LAMP-7"
    And the payment provider's messages about the order arrive in this order: <arrivals>
    Then the order is recorded as <outcome>
    And the stock of "LAMP-7" is <stock>
    And <stock> of "LAMP-7" are available
    And the order holds no reservations

    Examples:
      | arrivals                                              | outcome | stock |
      | failed at 10:00, succeeded at 10:01                   | paid    | 1     |
      | succeeded at 10:01, failed at 10:00                   | paid    | 1     |
      | failed at 10:00, succeeded at 10:00                   | paid    | 1     |
      | succeeded at 10:00, failed at 10:01                   | paid    | 1     |
      | failed at 10:00, succeeded at 10:01, failed at 10:02  | paid    | 1     |
      | failed at 10:01, succeeded at 10:00                   | failed  | 4     |
      | failed at 10:00, failed at 10:02, succeeded at 10:01  | failed  | 4     |

  @req:ORD-12 @critical @severity:critical
  Scenario: A success older than the order's latest failure does not pay it, and the money is put in front of an operator
    When a customer orders 3 of "LAMP-7"
    And the payment provider says the order's payment failed at 10:01, and then that it succeeded at 10:00
    Then the order is recorded as failed
    And the stock of "LAMP-7" is 4
    And the merchant sees that the order needs review because the customer must be paid back
    And the platform's operators are alerted that the order needs review

  @req:ORD-10 @req:ORD-11 @slow @severity:critical
  Scenario: A payment that goes through after the order's hold ran out and its units were sold is refunded
    Given the merchant holds stock for orders for 2 seconds
    And the payment provider accepts refunds
    When a customer orders 3 of "LAMP-7"
    Then the order awaits its card payment
    When the hold has just run out
    And another customer buys 2 of "LAMP-7" meanwhile
    And the payment provider says the order's payment succeeded now
    Then the order is recorded as failed
    And the payment provider was asked to refund 13500 pence of the order's payment
    And the order needs no review
    And the stock of "LAMP-7" is 2
    And 2 of "LAMP-7" are available

  @req:ORD-11 @severity:critical
  Scenario: The payment provider's word sent again once the platform's quick record of it is gone pays the order once
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to order payments
    When a customer orders 3 of "LAMP-7"
    And the payment provider says the order's payment succeeded now
    And the platform's quick record of that message is gone
    And the payment provider sends its word again
    And the delivery worker runs
    Then the order is recorded as paid
    And the stock of "LAMP-7" is 1
    And 1 of "LAMP-7" is available
    And the merchant's receiver has received 1 delivery

  @req:ORD-11 @severity:critical
  Scenario: The payment provider's word that arrives before the order knows its payment is asked for again, not lost
    Given the payment provider takes its time to answer
    When a customer orders 3 of "LAMP-7" and the payment is under way
    And the payment provider says the order's payment succeeded before the order knows its payment
    Then the payment provider is told to send its word again later
    And the stock of "LAMP-7" is 4
    When the payment provider answers that the card payment is processing
    Then the order awaits its card payment
    When the payment provider sends its word again
    Then the order is recorded as paid
    And the stock of "LAMP-7" is 1
    And 1 of "LAMP-7" is available
    And the order holds no reservations
