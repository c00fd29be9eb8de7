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

  @req:ORD-8 @severity:normal
  Scenario Outline: A product at <price> pence with <stock> in stock is added
    When the merchant adds "MUG-01" at <price> pence with <stock> in stock
    Then the merchant sells "MUG-01" at <price> pence with <stock> in stock

    Examples:
      | price   | stock   |
      | 1       | 0       |
      | 1000000 | 1000000 |

  @req:ORD-8 @severity:normal
  Scenario Outline: A product at <price> pence with <stock> in stock is refused as invalid
    When the merchant tries to add "MUG-01" at <price> pence with <stock> in stock
    Then the product is refused as invalid
    And the merchant does not sell "MUG-01"

    Examples:
      | price   | stock   |
      | 0       | 5       |
      | 1000001 | 5       |
      | 1250    | -1      |
      | 1250    | 1000001 |

  @req:ORD-8 @severity:normal
  Scenario Outline: Restocking adds from 1 to 1,000,000 units at a time
    Given the merchant sells "MUG-01" at 1250 pence with 5 in stock
    When the merchant tries to restock <units> of "MUG-01"
    Then the restock is <outcome>
    And the merchant sells "MUG-01" at 1250 pence with <stock> in stock

    Examples:
      | units   | outcome             | stock   |
      | 1       | done                | 6       |
      | 1000000 | done                | 1000005 |
      | 0       | refused as invalid  | 5       |
      | 1000001 | refused as invalid  | 5       |

  @req:ORD-8 @severity:normal
  Scenario Outline: A product named in <length> characters is <outcome>
    When the merchant tries to add "MUG-01" named in <length> characters
    Then the product is <outcome>

    Examples:
      | length | outcome             |
      | 0      | refused as invalid  |
      | 1      | added               |
      | 200    | added               |
      | 201    | refused as invalid  |

  @req:ORD-8 @severity:normal
  Scenario Outline: A product with a SKU of <length> characters is <outcome>
    When the merchant tries to add a product with a SKU of <length> characters
    Then the product is <outcome>

    Examples:
      | length | outcome             |
      | 1      | added               |
      | 64     | added               |
      | 65     | refused as invalid  |
