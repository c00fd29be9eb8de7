@epic:Onboarding @story:Completion
Feature: Finishing onboarding
  A merchant finishes onboarding by telling us the business's name and trade. From then on the
  merchant goes straight to the dashboard. Getting this wrong either nags merchants who are done
  or, worse, locks an existing merchant out of the dashboard.

  Background:
    Given a merchant has signed up

  @req:ONB-4 @smoke @severity:normal
  Scenario: A new merchant still needs onboarding
    When the merchant asks whether onboarding is still needed
    Then the merchant is told onboarding is still needed

  @req:ONB-5 @req:ONB-4 @smoke @severity:critical
  Scenario: Completing onboarding records the business
    When the merchant completes onboarding as "Hollins Florists" in the category "Flowers and gifts"
    Then onboarding is complete for the merchant
    And the merchant's business is recorded as "Hollins Florists" in the category "Flowers and gifts"
    When the merchant asks whether onboarding is still needed
    Then the merchant is told onboarding is no longer needed

  @req:ONB-6 @severity:normal
  Scenario Outline: Business details are kept up to 200 and 100 characters, and cut beyond
    When the merchant completes onboarding with a business name of <name> characters and a category of <category> characters
    Then the merchant's business name is kept to its first <kept name> characters
    And the merchant's category is kept to its first <kept category> characters

    Examples:
      | name | category | kept name | kept category |
      | 199  | 99       | 199       | 99            |
      | 200  | 100      | 200       | 100           |
      | 201  | 101      | 200       | 100           |
      | 250  | 150      | 200       | 100           |

  @req:ONB-6 @severity:normal
  Scenario: Overlong business details lose the spaces around them before they are cut
    When the merchant completes onboarding with a business name of 201 characters and a category of 101 characters, each with spaces around it
    Then the merchant's business name is kept to its first 200 characters
    And the merchant's category is kept to its first 100 characters

  @req:ONB-6 @severity:minor
  Scenario: Spaces around business details are dropped
    When the merchant completes onboarding as "   Hollins Florists  " in the category "  Flowers and gifts "
    Then the merchant's business is recorded as "Hollins Florists" in the category "Flowers and gifts"

  @req:ONB-7 @severity:normal
  Scenario: Business details are optional
    When the merchant completes onboarding without business details
    Then onboarding is complete for the merchant
    And no business details are recorded for the merchant

  @req:ONB-8 @severity:normal
  Scenario: Completing onboarding twice is harmless
    Given the merchant has completed onboarding
    When the merchant completes onboarding again
    Then the second completion is accepted too
    And onboarding keeps its first completion time

  @req:ONB-9 @req:ERR-1 @severity:critical
  Scenario: A completion that cannot be saved gives a plain apology
    Given the onboarding records cannot be saved
    When the merchant tries to complete onboarding
    Then the completion fails with an apology that reveals nothing of the platform's internals
    And onboarding is still not complete for the merchant

  @req:ONB-10 @severity:critical
  Scenario: Merchants are not blocked when onboarding status cannot be read
    Given the onboarding records cannot be read
    When the merchant asks whether onboarding is still needed
    Then the merchant is told onboarding is no longer needed
