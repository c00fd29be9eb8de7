@epic:Webhooks @story:Deliveries_to_merchants @provider_fakes
Feature: Telling merchants' own systems what happened, reliably and verifiably
  Merchants connect their own systems to the platform: when a wallet is topped up, onboarding
  is completed or an order is paid or refunded, the platform tells the web address they gave.
  Their systems act on it, so every delivery must be provably from the platform, arrive even
  when their system is briefly down, never arrive twice, and never reach another merchant. And
  since the platform posts wherever a merchant says, it must never be turned against its own
  network.

  Background:
    Given a merchant has signed up

  @req:WHO-3 @req:WHO-4 @req:WHO-9 @smoke @critical @severity:blocker
  Scenario: A top-up is delivered to the merchant, signed so that the merchant can verify it
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And the run reports 1 delivery attempted: 1 delivered, 0 to be tried again and 0 failed for good
    And every delivery verifies with the secret the merchant was shown
    And the delivery says the wallet was topped up with 2000 credits
    And the merchant sees the delivery delivered after 1 attempt
    And the platform recorded the wallet top-up with 1 delivery

  @req:WHO-4 @severity:critical
  Scenario: A completion that fails as it is saved is announced to no one
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to onboarding completion
    And the merchant's wallet has been topped up with 2000 credits
    And onboarding's completion fails just as it is being saved
    When the merchant tries to complete onboarding
    And the delivery worker runs
    Then the merchant's receiver has received 0 deliveries
    And onboarding is still not complete for the merchant

  @req:WHO-4 @severity:critical
  Scenario: A subscription receives only the kinds of event it asked for, each once
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to onboarding completion
    And the merchant's wallet has been topped up with 2000 credits
    And the merchant has completed onboarding
    When the merchant completes onboarding again
    And the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And the delivery says onboarding was completed
    And every delivery verifies with the secret the merchant was shown

  @req:WHO-4 @critical @severity:blocker
  Scenario: Another merchant's subscription never receives the merchant's events
    Given another merchant has signed up
    And the other merchant's receiver accepts deliveries
    And the other merchant has subscribed its receiver to wallet top-ups
    And the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs for both merchants
    Then the merchant's receiver has received 1 delivery
    And the other merchant's receiver has received 0 deliveries

  @req:WHO-5 @req:WHO-8 @req:WHO-9 @critical @severity:critical
  Scenario: A failing delivery is retried exactly on schedule, then given up for good
    Given the merchant's receiver is down
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And the run reports 1 delivery attempted: 0 delivered, 1 to be tried again and 0 failed for good
    And the merchant sees the next attempt due 1 minute after the last
    When the delivery worker runs 0 minutes after the last attempt
    Then the merchant's receiver has received 1 delivery
    And the run reports 0 deliveries attempted: 0 delivered, 0 to be tried again and 0 failed for good
    When the delivery worker runs 1 minute after the last attempt
    Then the merchant's receiver has received 2 deliveries
    And the merchant sees the next attempt due 2 minutes after the last
    When the delivery worker runs 1 minute after the last attempt
    Then the merchant's receiver has received 2 deliveries
    When the delivery worker runs 2 minutes after the last attempt
    Then the merchant's receiver has received 3 deliveries
    And the merchant sees the next attempt due 4 minutes after the last
    When the delivery worker runs 3 minutes after the last attempt
    Then the merchant's receiver has received 3 deliveries
    When the delivery worker runs 4 minutes after the last attempt
    Then the merchant's receiver has received 4 deliveries
    And the merchant sees the next attempt due 8 minutes after the last
    When the delivery worker runs 7 minutes after the last attempt
    Then the merchant's receiver has received 4 deliveries
    When the delivery worker runs 8 minutes after the last attempt
    Then the merchant's receiver has received 5 deliveries
    And the merchant sees the next attempt due 16 minutes after the last
    When the delivery worker runs 15 minutes after the last attempt
    Then the merchant's receiver has received 5 deliveries
    When the delivery worker runs 16 minutes after the last attempt
    Then the merchant's receiver has received 6 deliveries
    And the run reports 1 delivery attempted: 0 delivered, 0 to be tried again and 1 failed for good
    And the merchant sees the delivery failed after 6 attempts
    When the delivery worker runs 1440 minutes after the last attempt
    Then the merchant's receiver has received 6 deliveries

  @req:WHO-5 @req:WHO-8 @severity:critical
  Scenario Outline: A receiver that <trouble> gets the delivery again a minute later
    Given the merchant's receiver <trouble>
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And the merchant sees the delivery pending after 1 attempt
    And the merchant sees the next attempt due 1 minute after the last
    And the merchant sees that the last attempt got "<answer>"

    Examples:
      | trouble                            | answer       |
      | is down                            | 503          |
      | answers after 12 seconds           | no answer    |
      | refuses connections                | could not    |
      | redirects deliveries elsewhere     | 302          |

  @req:WHO-5 @req:WHO-6 @severity:critical
  Scenario Outline: A receiver that takes the delivery answering <answer> has it, once
    Given the merchant's receiver takes deliveries answering <answer>
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant sees the delivery delivered after 1 attempt
    When the delivery worker runs 60 minutes after the last attempt
    Then the merchant's receiver has received 1 delivery

    Examples:
      | answer          |
      | 200 OK          |
      | 201 Created     |
      | 202 Accepted    |
      | 204 No Content  |
      | 299             |

  @req:WHO-5 @severity:normal
  Scenario: A receiver that answers just in time is delivered to
    Given the merchant's receiver answers after 9 seconds
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant sees the delivery delivered after 1 attempt

  @req:WHO-6 @critical @severity:critical
  Scenario: A delivery that succeeds on its third attempt is never sent again
    Given the merchant's receiver fails 2 times, then accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    And the delivery worker runs 1 minute after the last attempt
    And the delivery worker runs 2 minutes after the last attempt
    Then the merchant sees the delivery delivered after 3 attempts
    When the delivery worker runs 60 minutes after the last attempt
    Then the merchant's receiver has received 3 deliveries
    And every attempt was marked as the same message, so the merchant can tell it is a repeat
    And every delivery verifies with the secret the merchant was shown

  @req:WHO-7 @critical @severity:critical
  Scenario: Two delivery workers at once never send one delivery twice
    Given the merchant's receiver accepts deliveries after a moment
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 1000 credits
    And the merchant's wallet has been topped up with 2000 credits
    And the merchant's wallet has been topped up with 3000 credits
    When two delivery workers run at the same moment
    Then the merchant's receiver has received 3 deliveries, each once

  @req:WHO-1 @critical @severity:critical
  Scenario: The signing secret is shown once, when the subscription is made
    Given the merchant's receiver accepts deliveries
    When the merchant subscribes its receiver to wallet top-ups and order payments
    Then the signing secret was shown once and is never shown again

  @req:WHO-1 @severity:normal
  Scenario: Every kind of event can be subscribed to
    When the merchant subscribes its receiver to order payments, order refunds, wallet top-ups and onboarding completion
    Then the signing secret was shown once and is never shown again

  @req:WHO-1 @severity:critical
  Scenario: A view-only team member cannot subscribe
    Given the merchant has a team member with view-only access
    When the team member tries to subscribe a receiver to wallet top-ups
    Then the request is refused because the role does not allow it
    And nothing is saved for the merchant

  @req:WHO-1 @severity:normal
  Scenario Outline: A subscription to <kinds> is refused as invalid
    When the merchant tries to subscribe a receiver to <kinds>
    Then the subscription is refused as invalid
    And nothing is saved for the merchant

    Examples:
      | kinds                     |
      | no kind of event          |
      | a kind that does not exist |
      | wallet top-ups spelt "Wallet.Topped_Up" |

  @req:WHO-2 @critical @severity:critical
  Scenario Outline: A subscription to an unsafe address is refused
    When the merchant tries to subscribe <address> to wallet top-ups
    Then the subscription is refused as invalid
    And nothing is saved for the merchant

    Examples:
      | address                                            |
      | an address without encryption                      |
      | an address for live connections rather than the web |
      | the platform's own machine by name                 |
      | the platform's own machine by number               |
      | the platform's own machine in the newer numbering  |
      | a machine on a private network                     |
      | a machine on a home network                        |
      | the cloud's internal metadata service              |
      | no machine at all                                  |
      | an address that is not a web address               |
      | an address with a port that cannot exist           |
      | a machine whose name does not exist                |
      | a machine whose name has an empty part             |
      | a group address that many machines listen on       |
      | a public machine, in an address of 2001 characters |

  @req:WHO-1 @req:WHO-2 @severity:critical
  Scenario Outline: A subscription to <address> is accepted
    When the merchant subscribes a receiver at <address> to wallet top-ups
    Then the merchant's subscriptions list it at that address

    Examples:
      | address                                                  |
      | a public machine by number                               |
      | a public machine in the newer numbering                  |
      | a public machine by number written in the newer numbering |
      | a public machine, in an address of 2000 characters        |

  @req:WHO-2 @critical @severity:critical
  Scenario: A receiver whose address has come to lead inside the platform's network is not posted to
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's receiver's address has since come to lead to the platform's own machine
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant's receiver has received 0 deliveries
    And the merchant sees the delivery pending after 1 attempt
    And the merchant sees that the last attempt got "not sent"

  @req:WHO-8 @critical @severity:critical
  Scenario: Another merchant cannot see the merchant's deliveries
    Given another merchant has signed up
    And the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    When the other merchant asks for the merchant's subscription's deliveries
    Then the deliveries are reported as not found

  # @slow: 501 subscriptions and 501 deliveries, about 10 s (a batch cap can only be seen past it)
  @req:WHO-9 @slow @severity:normal
  Scenario: One run of the delivery worker attempts at most 500 deliveries, and the next run the rest
    Given the merchant's receiver accepts deliveries
    And the merchant has 501 subscriptions of its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the run reports 500 deliveries attempted: 500 delivered, 0 to be tried again and 0 failed for good
    When the delivery worker runs 0 minutes after the last attempt
    Then the run reports 1 delivery attempted: 1 delivered, 0 to be tried again and 0 failed for good
    And the merchant's receiver has received 501 deliveries

  @req:WHO-9 @req:TEN-2 @severity:critical
  Scenario: A run of the delivery worker for some merchants sends no other merchant's deliveries
    Given another merchant has signed up
    And the merchant's receiver accepts deliveries
    And the other merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    And the other merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    And the other merchant's wallet has been topped up with 2000 credits
    When the delivery worker runs
    Then the merchant's receiver has received 1 delivery
    And the other merchant's receiver has received 0 deliveries
    When the delivery worker runs for both merchants
    Then the other merchant's receiver has received 1 delivery
    And the merchant's receiver has received 1 delivery

  @req:WHO-9 @critical @severity:critical
  Scenario: Only the platform's operators can run the delivery worker
    Given the merchant's receiver accepts deliveries
    And the merchant has subscribed its receiver to wallet top-ups
    And the merchant's wallet has been topped up with 2000 credits
    When the merchant tries to run the delivery worker
    Then the run is refused because the caller is not an operator
    And the merchant's receiver has received 0 deliveries
