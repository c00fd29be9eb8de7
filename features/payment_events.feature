@epic:Billing @story:Payment_provider_events @provider_fakes
Feature: Trusting the payment provider's messages
  The payment provider tells the platform when a payment succeeds or fails. Anyone on the
  internet could send the platform such a message, so only messages signed by the provider,
  recently, are believed; and the provider may deliver the same message more than once, so each
  one counts only once.

  Background:
    Given a merchant has signed up
    And the merchant's card payments go through
    And the merchant has asked to top up 2000 credits

  @req:HOOK-1 @critical @severity:blocker
  Scenario Outline: A payment confirmation that is not properly signed is refused
    When a payment confirmation <flaw> arrives
    Then the confirmation is refused as untrusted
    And the merchant's wallet still holds 0 credits
    And the confirmation leaves no record

    Examples:
      | flaw                                     |
      | without a signature                      |
      | signed with the wrong secret             |
      | signed 6 minutes ago                     |
      | signed 5 minutes and 5 seconds ago       |
      | whose content was changed after signing  |

  # Five seconds either side of the five minutes: the platform's clock is read a moment after
  # the confirmation is signed, so the exact second cannot be hit from outside.
  @req:HOOK-1 @severity:normal
  Scenario Outline: A confirmation signed within the last five minutes is believed
    When a payment confirmation signed <age> ago arrives
    Then the merchant's wallet holds 2000 credits

    Examples:
      | age                         |
      | 4 minutes                   |
      | 4 minutes and 55 seconds    |

  @req:HOOK-2 @critical @severity:blocker
  Scenario: The same confirmation delivered twice credits the wallet once
    When the payment provider confirms the payment
    And the payment provider delivers the same confirmation again
    Then the second delivery is acknowledged
    And the merchant's wallet holds 2000 credits
    And the ledger shows a top-up of 2000 credits
    And the platform has recorded the confirmation once

  @req:HOOK-2 @severity:normal
  Scenario: Messages about things the platform does not handle are acknowledged and ignored
    When the payment provider sends a message the platform does not handle
    Then the message is acknowledged
    And the merchant's wallet still holds 0 credits

  @req:BIL-6 @critical @severity:critical
  Scenario Outline: A confirmed payment that does not match the top-up is held for review
    When the payment provider confirms a payment of <paid> for the top-up
    Then the merchant's wallet still holds 0 credits
    And the top-up is recorded as needing review
    And the merchant sees that the top-up needs review because <reason>
    And the platform's operators are alerted that the top-up needs review
    And the platform has recorded the confirmation once

    Examples:
      | paid             | reason               |
      | 1999 pence       | the amount differs   |
      | 2001 pence       | the amount differs   |
      | 2000 euro cents  | the currency differs |
      | 2000 US cents    | the currency differs |

  @req:BIL-6 @req:HOOK-4 @severity:critical
  Scenario: A confirmation held for review and delivered again alerts operators once
    When the payment provider confirms a payment of 1999 pence for the top-up
    And the platform's quick record of the confirmation is gone
    And the payment provider delivers the same confirmation again
    Then the second delivery is acknowledged
    And the top-up is recorded as needing review
    And the platform's operators are alerted once that the top-up needs review

  @req:HOOK-3 @critical @severity:critical
  Scenario Outline: A payment confirmation with a malformed or future-dated signature is refused
    When a payment confirmation <flaw> arrives
    Then the confirmation is refused as untrusted
    And the merchant's wallet still holds 0 credits
    And the confirmation leaves no record

    Examples:
      | flaw                                 |
      | with a malformed signature           |
      | signed 6 minutes ahead               |
      | signed 5 minutes and 5 seconds ahead |

  @req:HOOK-3 @severity:normal
  Scenario Outline: A confirmation signed a little ahead of the platform's clock is believed
    When a payment confirmation signed <lead> ahead arrives
    Then the merchant's wallet holds 2000 credits

    Examples:
      | lead                        |
      | 4 minutes                   |
      | 4 minutes and 55 seconds    |

  @req:HOOK-3 @severity:normal
  Scenario: A properly signed message that cannot be read is refused as invalid
    When the payment provider sends a properly signed message that cannot be read
    Then the message is refused as invalid
    And the merchant's wallet still holds 0 credits

  @req:HOOK-1 @severity:normal
  Scenario: A deployment without the payment provider's credentials asks for the confirmation again later
    When the payment provider's confirmation reaches a deployment without the payment provider's credentials
    Then the payment provider is told to send the confirmation again later
    And the merchant's wallet still holds 0 credits
    And the confirmation leaves no record

  @req:HOOK-2 @req:HOOK-4 @severity:critical
  Scenario: With its cache out of reach the platform still credits a confirmation once
    When the payment provider delivers its confirmation twice to a deployment whose cache is out of reach
    Then both deliveries are acknowledged
    And the merchant's wallet holds 2000 credits
    And the ledger shows a top-up of 2000 credits

  @req:HOOK-3 @severity:normal
  Scenario Outline: A properly signed confirmation that lacks its own reference or does not say what happened is refused as invalid
    When the payment provider sends a properly signed confirmation <flaw>
    Then the message is refused as invalid
    And the merchant's wallet still holds 0 credits

    Examples:
      | flaw                           |
      | without a reference            |
      | with an empty reference        |
      | with a number as its reference |
      | without saying what happened   |

  @req:HOOK-3 @severity:normal
  Scenario Outline: A properly signed confirmation without a usable creation time is refused as invalid
    When the payment provider sends a properly signed confirmation <created>
    Then the message is refused as invalid
    And the merchant's wallet still holds 0 credits

    Examples:
      | created                                 |
      | without a creation time                 |
      | with its creation time written as text  |
      | created a second before 1970            |
      | created a second after the year 9999    |

  @req:HOOK-3 @severity:normal
  Scenario Outline: A confirmation created at the edges of the times the platform can hold is believed
    When the payment provider confirms the payment, <created>
    Then the merchant's wallet holds 2000 credits
    And the top-up is recorded as paid

    Examples:
      | created                                     |
      | created at the first second of 1970         |
      | created at the last second of the year 9999 |

  @req:HOOK-4 @critical @severity:blocker
  Scenario: A confirmation repeated after the platform's quick record of it is gone credits nothing more
    When the payment provider confirms the payment
    And the platform's quick record of the confirmation is gone
    And the payment provider delivers the same confirmation again
    Then the second delivery is acknowledged
    And the merchant's wallet holds 2000 credits
    And the ledger shows a top-up of 2000 credits

  @req:HOOK-5 @severity:critical
  Scenario: A confirmation signed with the payment provider's own library is believed
    When the payment provider confirms the payment, signing with its own library
    Then the merchant's wallet holds 2000 credits
