@epic:Orders @story:Products
Feature: The merchant's products and their stock
  A merchant lists what it sells: each product has the merchant's own code (its SKU), a name, a
  price in pence and the units in stock. A SKU names one product of that merchant only; another
  merchant may use the same code for its own product. Restocking adds units to what is there.

  Background:
    Given a merchant has signed up

  @req:ORD-8 @smoke @severity:critical
  Scenario: A product is added and restocked
    When the merchant adds "MUG-01" at 1250 pence with 5 in stock
    And the merchant restocks 7 of "MUG-01"
    Then the merchant sells "MUG-01" at 1250 pence with 12 in stock

  @req:ORD-8 @severity:normal
  Scenario: A SKU names one product per merchant, and another merchant may use it too
    Given the merchant sells "MUG-01" at 1250 pence with 5 in stock
    And another merchant has signed up
    When the merchant tries to add "MUG-01" at 999 pence with 1 in stock
    Then the product is refused because it already exists
    And the merchant sells "MUG-01" at 1250 pence with 5 in stock
    When the other merchant adds "MUG-01" at 999 pence with 1 in stock
    Then the other merchant sells "MUG-01" at 999 pence with 1 in stock
