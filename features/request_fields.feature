@epic:Platform @story:Request_fields @provider_fakes
Feature: What the platform decides is never taken from a request
  The platform alone decides who owns an organisation, what role a person has, which
  organisation a record belongs to, and how much a wallet holds. A request that names any of
  these beside what it may say, as someone probing the platform would, is answered as if they
  were not there: it is neither refused nor obeyed.

  @req:SEC-10 @critical @severity:critical
  Scenario: Signing up naming a role and another merchant's organisation makes the owner of a new organisation
    Given another merchant has signed up
    When someone signs up naming the viewer role and the other merchant's organisation
    Then the new account is the owner of a new organisation of its own
    And the other merchant's organisation still has one member

  @req:SEC-10 @critical @severity:critical
  Scenario: A team member added naming another merchant's organisation joins the merchant's own
    Given a merchant has signed up
    And another merchant has signed up
    When the merchant adds a viewer naming the other merchant's organisation and the owner role
    Then the new member is a viewer in the merchant's organisation
    And the other merchant's organisation still has one member

  @req:SEC-10 @critical @severity:blocker
  Scenario: A top-up naming a balance and a paid status credits nothing until the payment is confirmed
    Given a merchant has signed up
    And the merchant's card payments go through
    When the merchant tops up 2000 credits naming a balance of 1000000 credits and a paid status
    Then the merchant's wallet holds 0 credits
    And the payment provider was asked for exactly 2000 pence, once, with the top-up's idempotency key

  @req:SEC-10 @critical @severity:blocker
  Scenario: A charge naming a balance takes only its amount
    Given a merchant has signed up
    And the merchant's wallet has been topped up with 5000 credits
    When the merchant spends 1500 credits naming a balance of 1000000 credits
    Then the merchant's wallet holds 3500 credits
    And the ledger shows one new charge of 1500 credits
