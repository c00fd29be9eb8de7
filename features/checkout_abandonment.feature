@epic:Onboarding @story:Checkout_abandonment @provider_fakes
Feature: Nudging merchants who stopped at the payment step
  A merchant who reached the payment step of onboarding and then left is close to becoming a
  paying customer. The platform nudges them by email: a gentle nudge an hour after they last saw
  the payment step, a reminder after a day, and after two days a last chance that comes with
  1000 bonus credits. Each email goes out at most once (an email the provider may have sent
  without saying so is never sent again by itself), the bonus is paid once and only with a
  last-chance email that was really sent, and merchants who paid or finished are left alone.
  The nudge job runs every quarter of an hour; here the operator runs it on demand, saying
  what time it is, so that two days pass without anyone waiting.

  Background:
    Given a merchant has signed up
    And the email provider accepts every message

  Rule: Time since the latest view of the payment step decides which email is due

    @req:ABN-1 @smoke @severity:critical
    Scenario Outline: Nothing before an hour, the gentle nudge from an hour
      Given the merchant viewed the payment step
      When the nudge job runs <wait> after the merchant viewed the payment step
      Then the merchant has been sent <emails>

      Examples:
        | wait       | emails  |
        | 59 minutes | no email |
        | 1 hour     | email 1 |

    @req:ABN-2 @severity:critical
    Scenario Outline: The reminder is due a day after the payment view
      Given the merchant viewed the payment step
      And the nudge job has run 1 hour after the merchant viewed the payment step
      When the nudge job runs <wait> after the merchant viewed the payment step
      Then the merchant has been sent <emails>

      Examples:
        | wait                | emails         |
        | 23 hours 59 minutes | email 1        |
        | 24 hours            | emails 1 and 2 |

    @req:ABN-3 @severity:critical
    Scenario Outline: The last chance is due two days after the payment view, with its bonus
      Given the merchant viewed the payment step
      And the nudge job has run 1 hour after the merchant viewed the payment step
      And the nudge job has run 24 hours after the merchant viewed the payment step
      When the nudge job runs <wait> after the merchant viewed the payment step
      Then the merchant has been sent <emails>
      And the merchant's wallet holds <credits> credits

      Examples:
        | wait                | emails            | credits |
        | 47 hours 59 minutes | emails 1 and 2    | 0       |
        | 48 hours            | emails 1, 2 and 3 | 1000    |

    @req:ABN-3 @smoke @critical @severity:blocker
    Scenario: The last-chance email comes with exactly 1000 bonus credits, in the ledger
      Given the merchant viewed the payment step
      When the nudge job runs 48 hours after the merchant viewed the payment step
      Then the merchant has been sent email 3
      And the merchant's wallet holds 1000 credits
      And the ledger shows one bonus of 1000 credits
      And the platform records the bonus as applied with the last-chance email

    @req:ABN-4 @severity:critical
    Scenario Outline: A merchant first seen late gets only the latest email due
      Given the merchant viewed the payment step
      When the nudge job runs <wait> after the merchant viewed the payment step
      Then the merchant has been sent <emails>
      And the platform records <records> for the merchant

      Examples:
        | wait     | emails  | records      |
        | 25 hours | email 2 | email 2 sent |
        | 49 hours | email 3 | email 3 sent |

    @req:ABN-4 @severity:normal
    Scenario: Earlier emails are never sent late, not even by later runs
      Given the merchant viewed the payment step
      And the nudge job has run 49 hours after the merchant viewed the payment step
      When the nudge job runs 72 hours after the merchant viewed the payment step
      Then the merchant has been sent email 3
      And the merchant's wallet holds 1000 credits

    @req:ABN-10 @severity:critical
    Scenario: The merchant's latest view of the payment step decides
      Given the merchant viewed the payment step
      And the merchant viewed the payment step again
      When the nudge job runs 1 hour after the merchant first viewed the payment step
      Then the merchant has been sent no email

  Rule: Only merchants who stopped at the payment step are nudged

    @req:ABN-5 @critical @severity:critical
    Scenario: A merchant who paid is not nudged
      Given the merchant viewed the payment step
      And the merchant paid
      When the nudge job runs 49 hours after the merchant viewed the payment step
      Then the merchant has been sent no email
      And the merchant's wallet holds 0 credits

    @req:ABN-5 @critical @severity:critical
    Scenario: A merchant whose top-up was confirmed by the payment provider is not nudged, even if the checkout never said so
      Given the merchant viewed the payment step
      And the payment provider confirmed the merchant's top-up of 2000 credits, though its checkout never said so
      When the nudge job runs 49 hours after the merchant viewed the payment step
      Then the merchant has been sent no email
      And the merchant's wallet holds 2000 credits

    @req:ABN-5 @critical @severity:critical
    Scenario: A merchant who completed onboarding is not nudged
      Given the merchant viewed the payment step
      And the merchant has completed onboarding
      When the nudge job runs 49 hours after the merchant viewed the payment step
      Then the merchant has been sent no email
      And the merchant's wallet holds 0 credits

    @req:ABN-10 @critical @severity:critical
    Scenario: Another merchant's earlier payment view does not make this merchant due
      Given another merchant has signed up
      And the other merchant viewed the payment step
      And the merchant viewed the payment step
      When the nudge job runs 1 hour after the other merchant viewed the payment step
      Then the other merchant has been sent email 1
      And the merchant has been sent no email

    @req:ABN-10 @severity:critical
    Scenario: Another merchant's payment does not spare this merchant its nudge
      Given another merchant has signed up
      And the merchant viewed the payment step
      And the other merchant viewed the payment step
      And the other merchant paid
      When the nudge job runs 1 hour after the other merchant viewed the payment step
      Then the merchant has been sent email 1
      And the other merchant has been sent no email

    @req:ABN-10 @req:ABN-6 @severity:critical
    Scenario: Another merchant's nudge does not count as this merchant's
      Given another merchant has signed up
      And the other merchant viewed the payment step
      And the nudge job has run 1 hour after the other merchant viewed the payment step
      And the merchant viewed the payment step
      When the nudge job runs 1 hour after the merchant viewed the payment step
      Then the merchant has been sent email 1
      And the other merchant has been sent email 1

    @req:ABN-10 @severity:critical
    Scenario: A merchant who paid does not spare the merchants the job comes to after it
      Given two more merchants have signed up
      And the three merchants viewed the payment step
      And the merchant the nudge job comes to first paid
      When the nudge job runs 2 hours after the merchant viewed the payment step
      Then the two merchants who did not pay have each been sent email 1
      And the merchant who paid has been sent no email

  Rule: Each email goes out at most once, and the bonus is paid once

    @req:ABN-6 @req:ABN-9 @critical @severity:blocker
    Scenario: Running the job again sends and credits nothing more
      Given the merchant viewed the payment step
      And the nudge job has run 48 hours after the merchant viewed the payment step
      When the nudge job runs again 48 hours after the merchant viewed the payment step
      Then the merchant has been sent email 3
      And the merchant's wallet holds 1000 credits
      And the ledger shows one bonus of 1000 credits
      And the run reports 1 processed, 0 sent, 1 skipped and 0 failed

    @req:ABN-7 @critical @severity:blocker
    Scenario: Two runs at the same moment send and credit once
      Given the merchant viewed the payment step
      When two nudge job runs start at the same moment 48 hours after the merchant viewed the payment step
      Then the merchant has been sent email 3
      And the merchant's wallet holds 1000 credits
      And the ledger shows one bonus of 1000 credits
      And between them the two runs report 1 sent and 1 skipped

  Rule: One merchant's failed email never stops the others, and is tried again

    @req:ABN-8 @req:ABN-9 @critical @severity:critical
    Scenario: The email provider refusing one merchant's email does not stop the others
      Given another merchant has signed up
      And the merchant viewed the payment step
      And the other merchant viewed the payment step
      And the email provider refuses messages to the merchant
      When the nudge job runs 49 hours after the merchant viewed the payment step
      Then the other merchant has been sent email 3
      And the other merchant's wallet holds 1000 bonus credits
      And the merchant has been sent no email
      And the merchant's wallet holds 0 credits
      And the platform records email 3 failed for the merchant
      And the platform records email 3 sent for the other merchant
      And the run reports 2 processed, 1 sent, 0 skipped and 1 failed
      And the run records 1 error

    @req:ABN-8 @req:ABN-9 @severity:normal
    Scenario: Of three emails, the one refused is the run's only failure
      Given two more merchants have signed up
      And the three merchants viewed the payment step
      And the email provider refuses messages to the merchant
      When the nudge job runs 2 hours after the merchant viewed the payment step
      Then the two merchants who were not refused have each been sent email 1
      And the run reports 3 processed, 2 sent, 0 skipped and 1 failed
      And the run records 1 error

    @req:ABN-8 @severity:critical
    Scenario: A merchant whose email failed is sent it on the next run
      Given another merchant has signed up
      And the merchant viewed the payment step
      And the other merchant viewed the payment step
      And the email provider refuses messages to the merchant
      And the nudge job has run 49 hours after the merchant viewed the payment step
      And the email provider accepts every message again
      When the nudge job runs 49 hours 15 minutes after the merchant viewed the payment step
      Then the merchant has been sent email 3
      And the merchant's wallet holds 1000 credits
      And the other merchant has been sent email 3
      And the other merchant's wallet holds 1000 bonus credits
      And the run reports 2 processed, 1 sent, 1 skipped and 0 failed

    @req:ABN-8 @severity:normal
    Scenario: When the email provider is down, nothing is credited and the email waits
      Given the merchant viewed the payment step
      And the email provider is down
      When the nudge job runs 49 hours after the merchant viewed the payment step
      Then the merchant has been sent no email
      And the merchant's wallet holds 0 credits
      And the platform records email 3 failed for the merchant
      And the run reports 1 processed, 0 sent, 0 skipped and 1 failed
      And the run records 1 error

    @req:ABN-8 @severity:normal
    Scenario: An email the provider was down for is sent on the next run
      Given the merchant viewed the payment step
      And the email provider is down
      And the nudge job has run 49 hours after the merchant viewed the payment step
      And the email provider accepts every message again
      When the nudge job runs 49 hours 15 minutes after the merchant viewed the payment step
      Then the merchant has been sent email 3
      And the merchant's wallet holds 1000 credits

  Rule: An email the provider never answered for may have gone out, so it is never sent again by itself

    @req:ABN-13 @critical @severity:critical
    Scenario: When the email provider does not answer, the email's outcome is recorded as unknown
      Given the merchant viewed the payment step
      And the email provider does not answer
      When the nudge job runs 49 hours after the merchant viewed the payment step
      Then the merchant's wallet holds 0 credits
      And the platform records email 3 as unknown for the merchant
      And the run reports 1 processed, 0 sent, 0 skipped and 1 failed
      And the run records 1 error
      And the run records that the email's outcome is unknown, for an operator to check

    @req:ABN-13 @critical @severity:critical
    Scenario: An email the provider did not answer for is not sent again on the next run
      Given the merchant viewed the payment step
      And the email provider does not answer
      And the nudge job has run 49 hours after the merchant viewed the payment step
      And the email provider accepts every message again
      When the nudge job runs 49 hours 15 minutes after the merchant viewed the payment step
      Then the email provider was asked for email 3 to the merchant once
      And the merchant's wallet holds 0 credits
      And the run reports 1 processed, 0 sent, 1 skipped and 0 failed

  Rule: Operators run the job, see what it did, and it works in batches

    @req:ABN-9 @severity:normal
    Scenario: The run reports what it did, and operators can read it back
      Given another merchant has signed up
      And the other merchant viewed the payment step
      And the merchant viewed the payment step
      When the nudge job runs 1 hour after the merchant viewed the payment step
      Then the run reports 2 processed, 2 sent, 0 skipped and 0 failed
      And the run records 0 errors
      And the run's record says it covered the 2 merchants the operator named
      And the operator reads back the same record of the run, with its start and its end

    @req:ABN-9 @severity:minor
    Scenario: A run that finds nobody due does nothing and says so
      Given the merchant viewed the payment step
      When the nudge job runs 30 minutes after the merchant viewed the payment step
      Then the run reports 0 processed, 0 sent, 0 skipped and 0 failed
      And the run records 0 errors
      And the merchant has been sent no email

    @req:ABN-11 @severity:normal
    Scenario: Merchants due at the same time are emailed in one call to the email provider
      Given another merchant has signed up
      And the other merchant viewed the payment step
      And the merchant viewed the payment step
      When the nudge job runs 1 hour after the merchant viewed the payment step
      Then the emails to both merchants went to the email provider in one call

    @req:ABN-12 @critical @severity:critical
    Scenario: A merchant cannot run the nudge job
      Given the merchant viewed the payment step
      When the merchant tries to run the nudge job 49 hours after it viewed the payment step
      Then the run is refused because the caller is not an operator
      And the merchant has been sent no email

    @req:ABN-12 @severity:normal
    Scenario Outline: A run asked for at <moment> is refused
      Given the merchant viewed the payment step
      When the operator asks for a nudge job run at <moment>
      Then the run is refused as invalid
      And the merchant has been sent no email

      Examples:
        | moment                    |
        | a time without a time zone |
        | a time that is not a date |
        | no time at all            |
