@epic:Onboarding @story:Dedicated_phone_number @provider_fakes
Feature: The merchant's dedicated phone number
  During onboarding a merchant can get a dedicated phone number for £10.00, paid from the wallet.
  The number is bought from the telephony provider. The merchant pays once and only for a
  number they really got: if the provider fails after the charge, the money goes back.

  Background:
    Given a merchant has signed up
    And the telephony provider sells numbers

  @req:NUM-1 @smoke @critical @severity:blocker
  Scenario Outline: A merchant with enough credit gets a dedicated number for 1000 credits
    Given the merchant's wallet has been topped up with <credits> credits
    When the merchant asks for a dedicated phone number
    Then the merchant is given a phone number in international format
    And the merchant is told the number was bought now
    And the telephony provider was asked for 1 number
    And the merchant's wallet holds <left> credits
    And the ledger shows a charge of 1000 credits
    And the number is recorded as the merchant's
    And no number was given back to the telephony provider

    Examples:
      | credits | left |
      | 1000    | 0    |
      | 1001    | 1    |
      | 1500    | 500  |

  @req:NUM-2 @critical @severity:critical
  Scenario Outline: Without enough credit no number is bought and nothing is charged
    Given the merchant's wallet has been topped up with <credits> credits
    When the merchant asks for a dedicated phone number
    Then the request is refused for lack of credit
    And the merchant is told the wallet needs at least £10.00
    And the telephony provider was not asked for a number
    And the merchant's wallet holds <credits> credits
    And the ledger has no new entries

    Examples:
      | credits |
      | 999     |
      | 100     |

  @req:NUM-2 @severity:normal
  Scenario: A merchant who never topped up cannot get a number
    When the merchant asks for a dedicated phone number
    Then the request is refused for lack of credit
    And the telephony provider was not asked for a number

  @req:NUM-3 @critical @severity:blocker
  Scenario Outline: When the telephony provider fails after the charge, the money goes back
    Given the merchant's wallet has been topped up with 1500 credits
    And the telephony provider <trouble>
    When the merchant asks for a dedicated phone number
    Then the merchant is told the number could not be provided and nothing was charged
    And the merchant's wallet holds 1500 credits
    And the ledger shows a charge of 1000 credits followed by a refund of 1000 credits
    And no number is recorded as the merchant's

    Examples:
      | trouble          |
      | is down          |
      | does not answer  |

  @req:NUM-3 @req:NUM-6 @critical @severity:critical
  Scenario: A number the provider writes in a national form is given back and refunded
    Given the merchant's wallet has been topped up with 1500 credits
    And the telephony provider sells numbers written in a national form, not an international one
    When the merchant asks for a dedicated phone number
    Then the merchant is told the number could not be provided and nothing was charged
    And the merchant's wallet holds 1500 credits
    And the ledger shows a charge of 1000 credits followed by a refund of 1000 credits
    And no number is recorded as the merchant's
    And the number the telephony provider sold was given back to it

  @req:NUM-1 @severity:normal
  Scenario Outline: A number of <digits> digits, as short or as long as international numbers go, is the merchant's
    Given the merchant's wallet has been topped up with 1500 credits
    And the telephony provider sells numbers of <digits> digits after the plus sign
    When the merchant asks for a dedicated phone number
    Then the merchant is given a phone number in international format
    And the merchant's wallet holds 500 credits
    And the number is recorded as the merchant's

    Examples:
      | digits |
      | 8      |
      | 15     |

  @req:NUM-6 @severity:normal
  Scenario Outline: A number of <digits> digits, no international number, is given back and refunded
    Given the merchant's wallet has been topped up with 1500 credits
    And the telephony provider sells numbers of <digits> digits after the plus sign
    When the merchant asks for a dedicated phone number
    Then the merchant is told the number could not be provided and nothing was charged
    And the merchant's wallet holds 1500 credits
    And no number is recorded as the merchant's
    And the number the telephony provider sold was given back to it

    Examples:
      | digits |
      | 7      |
      | 16     |

  @req:NUM-3 @req:NUM-6 @severity:critical
  Scenario: A number the provider will not take back is still refunded, and operators are alerted
    Given the merchant's wallet has been topped up with 1500 credits
    And the telephony provider sells numbers written in a national form, not an international one
    And the telephony provider will not take numbers back
    When the merchant asks for a dedicated phone number
    Then the merchant is told the number could not be provided and nothing was charged
    And the merchant's wallet holds 1500 credits
    And the ledger shows a charge of 1000 credits followed by a refund of 1000 credits
    And no number is recorded as the merchant's
    And the platform's operators are alerted that the number could not be given back

  @req:NUM-3 @req:NUM-6 @critical @severity:critical
  Scenario: A number bought but not saved is given back and refunded
    Given the merchant's wallet has been topped up with 1500 credits
    And the merchant's phone number cannot be saved
    When the merchant asks for a dedicated phone number
    Then the merchant is told the number could not be provided and nothing was charged
    And the merchant's wallet holds 1500 credits
    And the ledger shows a charge of 1000 credits followed by a refund of 1000 credits
    And no number is recorded as the merchant's
    And the number the telephony provider sold was given back to it

  @req:NUM-4 @severity:critical
  Scenario: Asking again gives the same number without charging again
    Given the merchant's wallet has been topped up with 3000 credits
    And the merchant has a dedicated phone number
    When the merchant asks for a dedicated phone number
    Then the merchant is given the same number again
    And the merchant is told the number was already theirs
    And the telephony provider was asked for 1 number
    And the merchant's wallet holds 2000 credits

  # @slow: the telephony provider's pretended purchase takes a real 0.3 s, so that the second
  # request arrives while the first is still being served.
  @req:NUM-4 @critical @severity:blocker @slow
  Scenario: Two requests at the same moment get one number and one charge
    Given the merchant's wallet has been topped up with 3000 credits
    And the telephony provider takes a moment to answer
    When the merchant asks for a dedicated phone number twice at the same moment
    Then both requests are given the same number
    And only one of them is told the number was bought now
    And the telephony provider was asked for 1 number
    And the merchant's wallet holds 2000 credits
    And the ledger adds up to the balance

  @req:NUM-7 @critical @severity:critical
  Scenario: Many merchants get their numbers at the same moment
    Given 12 merchants have each topped up their wallet with 1500 credits
    And the telephony provider takes a moment to answer
    When they all ask for a dedicated phone number at the same moment
    Then each of them is given a number of their own and holds 500 credits
    And the telephony provider was asked for 12 numbers

  @req:NUM-5 @severity:critical
  Scenario: Without the telephony provider's credentials nothing is charged
    Given the merchant's wallet has been topped up with 1500 credits
    And the platform has been deployed without the telephony provider's credentials
    When the merchant asks for a dedicated phone number
    Then the merchant is told phone numbers are not available right now
    And the telephony provider was not asked for a number
    And the merchant's wallet holds 1500 credits
    And the ledger has no new entries
