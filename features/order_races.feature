@epic:Orders @story:Races_for_the_last_unit @provider_fakes
Feature: Customers racing for the last unit
  When several customers order the last unit at the same moment, exactly one of them gets it
  and is charged; the others are told it is out of stock and are not charged. The stock never
  goes below zero, however the orders interleave, every time.

  Background:
    Given a merchant has signed up
    And the merchant sells "LAST-1" at 999 pence with 1 in stock
    And the merchant's card payments go through

  @req:ORD-7 @critical @severity:blocker
  Scenario Outline: Customers racing for the last unit: one is paid, the others are out of stock
    When <customers> customers order 1 of "LAST-1" at the same moment
    Then exactly one order is paid and the others are refused as out of stock
    And the payment provider was asked to charge a card 1 time
    And the stock of "LAST-1" is 0
    And 0 of "LAST-1" are available

    Examples:
      | customers |
      | 2         |
      | 3         |
