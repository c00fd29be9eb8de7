@epic:Accounts_and_access
Feature: Merchant accounts and access
  A merchant's money and customers sit behind its account. Only the people the merchant lets in
  may act for it, each only as far as their role allows, and no merchant may ever see another
  merchant's business, not even whether a record of it exists.

  @story:Sign-up @req:ACC-1 @smoke @severity:critical
  Scenario: A new merchant signs up and becomes the owner of its organisation
    When a new merchant signs up with a business email and a password
    Then the merchant owns a new organisation
    And the merchant can sign in with that email and password

  @story:Sign-up @req:ACC-1 @severity:normal
  Scenario Outline: Hard-to-guess passwords from 15 to 128 characters are accepted
    When a new merchant signs up with a password of <length> characters
    Then the merchant owns a new organisation
    And the merchant can sign in with that email and password

    Examples:
      | length |
      | 15     |
      | 128    |

  @story:Sign-in @req:ACC-5 @severity:normal
  Scenario: An access token lasts exactly its lifetime of 15 minutes
    Given a merchant has signed up
    Then the access token the merchant is given lasts exactly 15 minutes

  @story:Sign-up @req:ACC-2 @severity:normal
  Scenario: An email address already registered cannot sign up again
    Given a merchant has signed up
    When someone signs up again with the merchant's email address
    Then the sign-up is refused because the account already exists

  @story:Sign-up @req:ACC-2 @severity:normal
  Scenario Outline: The same email address written another way cannot sign up again
    Given a merchant has signed up
    When someone signs up again with the merchant's email address written <spelling>
    Then the sign-up is refused because the account already exists

    Examples:
      | spelling                             |
      | in capitals                          |
      | with spaces around it                |
      | in mixed case with spaces around it  |

  @story:Sign-up @req:ACC-3 @severity:normal
  Scenario Outline: Sign-up details must be usable
    When someone signs up with <problem>
    Then the sign-up is refused as invalid
    And no organisation is created for that email address

    Examples:
      | problem                                  |
      | an email address that is not an address  |
      | a password that is too short             |
      | a password of 14 characters              |
      | a password of 129 characters             |
      | no password                              |

  @story:Sign-in @req:ACC-4 @severity:critical
  Scenario: A wrong password does not sign the merchant in
    Given a merchant has signed up
    When the merchant signs in with a wrong password
    Then the sign-in is refused because the email or password is wrong
    And the refusal reads exactly as it does for an email address that has no account

  @story:Sign-in @req:ACC-7 @severity:critical
  Scenario Outline: The merchant signs in with its email address written <spelling>
    Given a merchant has signed up
    Then the merchant signs in with its email address written <spelling> and the right password

    Examples:
      | spelling                             |
      | in capitals                          |
      | with spaces around it                |
      | in mixed case with spaces around it  |

  @story:Access @req:ACC-5 @severity:blocker
  Scenario Outline: The merchant's account is not shown without a valid pass
    Given a merchant has signed up
    When someone asks for the merchant's account with <pass>
    Then the request is refused because the caller is not signed in

    Examples:
      | pass                                      |
      | no access token                           |
      | a malformed access token                  |
      | an expired access token                   |
      | an access token that expired a moment ago |
      | an access token signed with the wrong key |
      | an unsigned access token                  |
      | an access token for a user who never existed |

  @story:Access @req:ACC-5 @severity:normal
  Scenario: An access token with a few seconds left is still honoured
    Given a merchant has signed up
    When someone asks for the merchant's account with an access token with a few seconds left
    Then the merchant's account is shown

  @story:Roles @req:ACC-6 @severity:critical
  Scenario: A view-only team member cannot complete onboarding
    Given a merchant has signed up
    And the merchant has a team member with view-only access
    When the team member tries to complete onboarding
    Then the request is refused because the role does not allow it
    And onboarding is still not complete for the merchant

  @story:Roles @req:ACC-6 @severity:normal
  Scenario: A view-only team member cannot let others in
    Given a merchant has signed up
    And the merchant has a team member with view-only access
    When the team member tries to add another team member
    Then the request is refused because the role does not allow it

  @story:Roles @req:ACC-6 @severity:critical
  Scenario: A team member whose role is lowered loses its rights at once
    Given a merchant has signed up
    And the merchant has a team member with admin access
    And the team member's role has since been lowered to view-only
    When the team member tries to complete onboarding
    Then the request is refused because the role does not allow it
    And onboarding is still not complete for the merchant

  @story:Tenancy @req:TEN-1 @severity:blocker
  Scenario: A merchant cannot see another merchant's team member, nor learn that it exists
    Given a merchant has signed up
    And another merchant has a team member
    When the merchant looks up the other merchant's team member
    Then the team member is reported as not found, exactly like one that never existed

  @story:Tenancy @req:TEN-2 @severity:blocker
  Scenario: One merchant's finished onboarding never shows in another merchant's answers
    Given another merchant has completed onboarding
    And a merchant has signed up
    When the merchant asks whether onboarding is still needed
    Then the merchant is told onboarding is still needed

  @story:Tenancy @req:TEN-3 @severity:blocker @provider_fakes
  Scenario: The database itself keeps merchants apart
    Given a merchant has used every part of the platform
    And another merchant has used every part of the platform
    Then the platform's database keeps every merchant's records apart by itself
