@epic:Billing @story:Repeated_requests @provider_fakes
Feature: A request sent again moves money once
  A merchant's app that loses its connection cannot tell whether its request arrived, so it
  sends it again. Every request that moves money can carry the app's own key for it, as the
  payment providers' own services allow: the same request with the same key gets the first
  answer again and moves money once, a key already used for another request is refused, and
  each merchant's keys are its own.

  Background:
    Given a merchant has signed up

  @req:MON-2 @critical @severity:blocker
  Scenario: A charge sent twice with the same key is taken once
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits with the key "order-1001"
    And the merchant sends the same charge of 1500 credits again with the key "order-1001"
    Then the second answer repeats the first
    And the merchant's wallet holds 3500 credits
    And the ledger shows one new charge of 1500 credits

  @req:MON-2 @severity:critical
  Scenario: The same charge written another way is still the same charge
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits with the key "order-1001"
    And the merchant sends the same charge of 1500 credits written another way with the key "order-1001"
    Then the second answer repeats the first
    And the merchant's wallet holds 3500 credits

  @req:MON-2 @critical @severity:critical
  Scenario: A key used for one charge is refused for another
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits with the key "order-1001"
    And the merchant tries to spend 2000 credits with the key "order-1001"
    Then the request is refused because its key was used for another request
    And the merchant's wallet holds 3500 credits
    And the ledger shows one new charge of 1500 credits

  @req:MON-2 @severity:critical
  Scenario: A key used for one charge is refused for the same amount spent on something else
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits with the key "order-1001"
    And the merchant tries to spend 1500 credits on "Text messages" with the key "order-1001"
    Then the request is refused because its key was used for another request
    And the merchant's wallet holds 3500 credits
    And the ledger shows one new charge of 1500 credits

  @req:MON-2 @severity:critical
  Scenario Outline: A charge's key is kept for a day, then free for another charge
    Given the merchant's wallet has been topped up with 5000 credits
    And the merchant spent 1500 credits with the key "order-1002" <age> ago
    When the merchant tries to spend 2000 credits with the key "order-1002"
    Then <outcome>
    And the merchant's wallet holds <left> credits

    Examples:
      | age                       | outcome                                                              | left |
      | 5 seconds less than a day | the request is refused because its key was used for another request | 3500 |
      | 5 seconds more than a day | the charge is taken                                                  | 1500 |

  @req:MON-2 @severity:critical
  Scenario: A charge sent twice at the same moment with the same key is taken once
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits twice at the same moment with the key "order-1001"
    Then the merchant's wallet holds 3500 credits
    And the ledger shows one new charge of 1500 credits

  @req:MON-2 @severity:critical
  Scenario: Charges without a key are each taken
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits on "Call minutes"
    And the merchant spends 1500 credits on "Call minutes"
    Then the merchant's wallet holds 2000 credits

  @req:MON-2 @severity:critical
  Scenario: Each merchant's keys are its own
    Given the merchant's wallet has been topped up with 5000 credits
    And another merchant has signed up
    And the other merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits with the key "order-1001"
    And the other merchant spends 1000 credits with the key "order-1001"
    Then the merchant's wallet holds 3500 credits
    And the other merchant's wallet holds 4000 credits

  @req:MON-2 @critical @severity:blocker
  Scenario: A top-up sent twice with the same key asks for one card payment
    Given the merchant's card payments go through
    When the merchant tops up 2000 credits with the key "top-up-7"
    And the merchant sends the same top-up of 2000 credits again with the key "top-up-7"
    Then the second answer names the same top-up
    And the payment provider was asked for exactly 2000 pence, once, with the top-up's idempotency key

  @req:MON-2 @critical @severity:critical
  Scenario: A top-up refused as invalid leaves its key free for the corrected top-up
    Given the merchant's card payments go through
    When the merchant asks to top up 100001 credits with the key "top-up-8"
    Then the top-up is refused as invalid
    When the merchant tops up 2000 credits with the key "top-up-8"
    Then the payment provider was asked for exactly 2000 pence, once, with the top-up's idempotency key

  @req:MON-2 @severity:critical
  Scenario: A charge refused for lack of credit is refused again with its key, even after a top-up
    Given the merchant's wallet has been topped up with 1000 credits
    When the merchant tries to spend 1500 credits with the key "order-2002"
    Then the request is refused for lack of credit
    When the merchant's wallet is then topped up with 1000 credits
    And the merchant tries to spend 1500 credits with the key "order-2002"
    Then the request is refused for lack of credit
    And the merchant's wallet holds 2000 credits

  @req:MON-2 @severity:critical
  Scenario: A top-up sent again while its payment is under way is told to wait, and asks for one payment
    Given the merchant's card payments go through
    And the payment provider takes its time to answer
    When the merchant tops up 2000 credits with the key "top-up-8" and the payment is under way
    And the merchant sends the same top-up of 2000 credits again with the key "top-up-8"
    And the payment provider answers the card payment
    Then the second request is told the first is still being processed
    And the first request's top-up is started
    And the payment provider was asked for a payment of 2000 pence, once

  @req:MON-2 @critical @severity:critical
  Scenario Outline: A key that started a top-up never starts another card payment, even after a day
    Given the merchant's card payments go through
    And the merchant topped up 2000 credits with the key "top-up-9" <age> ago
    When the merchant asks to top up 3000 credits with the same key "top-up-9"
    Then the request is refused because its key was used for another request
    And the payment provider was asked for exactly 2000 pence, once, with the top-up's idempotency key

    Examples:
      | age                 |
      | 23 hours 59 minutes |
      | 24 hours 1 minute   |

  @req:MON-2 @severity:critical
  Scenario: A request for the phone number sent twice with the same key is answered alike and charged once
    Given the merchant's wallet has been topped up with 5000 credits
    And the telephony provider sells numbers
    When the merchant asks for a dedicated phone number with the key "number-1"
    And the merchant asks for a dedicated phone number again with the key "number-1"
    Then the second answer repeats the first
    And the telephony provider was asked for 1 number
    And the merchant's wallet holds 4000 credits

  @req:MON-2 @severity:normal
  Scenario Outline: A key the platform cannot keep is refused and nothing is charged
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant tries to spend 1500 credits with <key>
    Then the request is refused as invalid
    And the merchant's wallet holds 5000 credits

    Examples:
      | key                              |
      | a key of 256 characters          |
      | an empty key                     |
      | a key with a letter outside ASCII |
      | a key with a tab in it           |

  @req:MON-2 @severity:normal
  Scenario Outline: Keys of 1 and of 255 characters are kept
    Given the merchant's wallet has been topped up with 5000 credits
    When the merchant tries to spend 1500 credits with <key>
    Then the merchant's wallet holds 3500 credits

    Examples:
      | key                     |
      | a key of 1 character    |
      | a key of 255 characters |
