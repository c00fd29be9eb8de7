@epic:Accounts @story:Clean_input
Feature: What merchants type is kept as they meant it, or refused
  Business names, categories and charge descriptions are shown to merchants, their teams and
  the platform's operators, in pages, terminals and statements. Hidden characters (line breaks,
  bells, terminal escapes, reversed text, invisible spaces) would let one merchant disguise or
  garble what others read; and an email address spelled two ways must still be one account.

  @req:SEC-6 @critical @severity:critical
  Scenario Outline: An email address with hidden or unsafe characters is refused
    When someone signs up with <problem>
    Then the sign-up is refused as invalid
    And no organisation is created for that email address

    Examples:
      | problem                                  |
      | an email address with a zero-width space |
      | an email address with a bell character   |
      | an email address with markup             |

  @req:SEC-6 @critical @severity:critical
  Scenario: Two spellings of one accented email address are one account
    Given a merchant has signed up with an accented email address
    When someone signs up with the same address written with a separate accent mark
    Then the sign-up is refused because the account already exists

  @req:SEC-7 @critical @severity:critical
  Scenario Outline: A business name with hidden characters is refused
    Given a merchant has signed up
    When the merchant tries to complete onboarding with a business name holding <characters>
    Then the completion is refused as invalid

    Examples:
      | characters                |
      | a right-to-left override  |
      | a terminal escape         |
      | a line break              |
      | a bell                    |
      | a zero-width space        |

  @req:SEC-7 @severity:normal
  Scenario: A category with hidden characters is refused
    Given a merchant has signed up
    When the merchant tries to complete onboarding in a category holding a line break
    Then the completion is refused as invalid

  @req:SEC-7 @critical @severity:critical
  Scenario Outline: A charge description with hidden characters is refused and nothing is taken
    Given a merchant has signed up
    And the merchant's wallet has been topped up with 5000 credits
    When the merchant tries to spend 100 credits on a description holding <characters>
    Then the charge is refused as invalid
    And the merchant's wallet holds 5000 credits

    Examples:
      | characters               |
      | a right-to-left override |
      | a terminal escape        |
      | a line break             |

  @req:SEC-7 @severity:normal
  Scenario: Accented and non-Latin business names are kept
    Given a merchant has signed up
    When the merchant completes onboarding as "Café Zoë – 北京 Ünlü" in the category "Coffee and bakery"
    Then the merchant's business is recorded as "Café Zoë – 北京 Ünlü" in the category "Coffee and bakery"
