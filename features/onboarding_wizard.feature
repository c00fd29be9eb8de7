@epic:Onboarding @story:Wizard_activity
Feature: Onboarding wizard activity
  The five-step onboarding wizard (steps 0 to 4) reports what each merchant does, so that the
  business can see where merchants stall and help them. Recording that activity must never get
  in a merchant's way.

  Background:
    Given a merchant has signed up

  @req:ONB-1 @smoke @severity:normal
  Scenario Outline: Every kind of wizard activity is recorded
    When the merchant's wizard reports "<activity>" at step <step>
    Then the activity is accepted
    And the merchant's wizard activity reads "<activity>" at step <step>

    Examples:
      | activity          | step |
      | wizard started    | 0    |
      | step viewed       | 1    |
      | step completed    | 2    |
      | payment viewed    | 3    |
      | payment succeeded | 3    |
      | wizard completed  | 4    |

  @req:ONB-2 @severity:normal
  Scenario: Activity the wizard does not know is refused
    When the merchant's wizard reports "coupon applied" at step 1
    Then the activity is refused as invalid
    And no wizard activity is recorded for the merchant

  @req:ONB-2 @severity:normal
  Scenario Outline: The wizard has only steps 0 to 4
    When the merchant's wizard reports "step viewed" at step <step>
    Then the activity is refused as invalid
    And no wizard activity is recorded for the merchant

    Examples:
      | step |
      | 5    |
      | -1   |

  @req:ONB-2 @severity:minor
  Scenario: A garbled activity report is refused
    When the merchant's wizard sends a report that cannot be read
    Then the activity is refused as invalid
    And no wizard activity is recorded for the merchant

  @req:ONB-3 @severity:critical
  Scenario: Wizard activity is accepted even when it cannot be saved
    Given the onboarding records cannot be saved
    When the merchant's wizard reports "step viewed" at step 1
    Then the activity is accepted
    And no wizard activity is recorded for the merchant

  @req:ACC-5 @severity:critical
  Scenario Outline: Onboarding answers only merchants who are signed in
    When someone who is not signed in tries to <action>
    Then the request is refused because the caller is not signed in

    Examples:
      | action                              |
      | report wizard activity              |
      | ask whether onboarding is needed    |
      | complete onboarding                 |
      | get a dedicated phone number        |
