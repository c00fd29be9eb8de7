@epic:Platform @story:Safe_deployment
Feature: A deployment that could not keep merchants safe does not start
  The people who deploy the platform make mistakes too. A switch meant for testing, a
  well-known password, or a database role with more rights than it needs would quietly put
  every merchant's money and records at risk, so the platform checks its own deployment and
  refuses to start, in one sentence saying what to change, before it touches any data.

  @req:SEC-1 @critical @severity:blocker
  Scenario: Deliberate defects are refused outside a test deployment
    When the platform is deployed as a live deployment with deliberate defects switched on
    Then it refuses to start, saying deliberate defects are only for test deployments

  @req:SEC-1 @critical @severity:blocker
  Scenario: The exception that lets the suite's fake webhook receivers through is refused outside a test deployment
    When the platform is deployed as a live deployment that lets merchants' webhook addresses skip the safety check
    Then it refuses to start, saying the exception for webhook addresses is only for test deployments

  @req:SEC-2 @critical @severity:critical
  Scenario: A live deployment must be given its own database password
    When the platform is deployed as a live deployment without its database password
    Then it refuses to start, saying its database password is missing

  @req:SEC-2 @critical @severity:critical
  Scenario: A second deployment given another deployment's database role never changes its password
    Given a deployment of the platform has its own database role
    When a second deployment is given the same database role with another password
    Then the first deployment's database role keeps its password
    And where the database checks passwords, the second deployment refuses to start, saying it cannot sign in to its role

  @req:SEC-3 @critical @severity:blocker
  Scenario: A database role with the owner's rights is refused
    When the platform is deployed with a database role that has the tables' owner's rights
    Then it refuses to start, saying the database would not keep merchants apart
