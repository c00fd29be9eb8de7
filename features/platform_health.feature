@epic:Platform @story:Health
Feature: Platform health
  Operators and load balancers need one question answered quickly: can the platform serve
  merchants right now? It depends on the database and on the cache.

  @req:OPS-1 @smoke @read_only @severity:critical
  Scenario: The platform reports its database and cache as up
    Given the questions the cache answers are counted
    When the operator checks the platform's health
    Then the platform reports its database as up
    And the platform reports its cache as up
    And the platform asked its cache for the answer
