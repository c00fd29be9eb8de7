@epic:Platform @story:Health
Feature: Platform health
  Operators and load balancers need one question answered quickly: can the platform serve
  merchants right now? It depends on the database and on the cache, and when one of them is
  gone the answer must say which, so that the operator mends the right part.

  @req:OPS-1 @smoke @read_only @severity:critical
  Scenario: The platform reports its database and cache as up
    When the operator checks the platform's health
    Then the platform reports its database as up
    And the platform reports its cache as up
    And the platform says it can serve merchants right now

  @req:OPS-2 @severity:critical
  Scenario: A platform whose cache is out of reach reports the cache as down
    Given a deployment of the platform whose cache is out of reach
    When the operator checks the platform's health
    Then the platform reports its cache as down
    And the platform reports its database as up
    And the platform says it cannot serve merchants right now

  @req:OPS-2 @severity:critical
  Scenario: A platform whose database is cut off reports the database as down
    Given a deployment of the platform whose database is cut off
    When the operator checks the platform's health
    Then the platform reports its database as down
    And the platform reports its cache as up
    And the platform says it cannot serve merchants right now
