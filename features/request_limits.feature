@epic:Platform @story:Request_limits
Feature: No request can make the platform hold more than it needs
  Anyone on the internet can send the platform a request, signed in or not. A single request
  that is far larger than any real one, or that asks for a page far beyond any real ledger,
  must be refused plainly before it costs the platform memory or an error, so that one careless
  or hostile client cannot slow it down for every merchant.

  @req:SEC-4 @critical @severity:critical
  Scenario Outline: A request larger than the platform accepts is refused before it is read
    When someone sends <request> of <size>
    Then the request is refused as too large

    Examples:
      | request                    | size                         |
      | a sign-in                  | one byte over the size limit |
      | a payment provider message | one byte over the size limit |

  @req:SEC-4 @severity:normal
  Scenario: A request exactly at the size limit is read
    When someone sends a sign-in of exactly the size limit
    Then the request is read and refused as invalid

  @req:SEC-5 @severity:normal
  Scenario Outline: A ledger page far beyond any real ledger is refused plainly
    Given a merchant has signed up
    When the merchant asks for the ledger with <request>
    Then the ledger request is refused as invalid

    Examples:
      | request                                             |
      | a start one past the furthest                       |
      | a start past the largest number the database holds |

  @req:SEC-5 @severity:minor
  Scenario: The furthest start of the ledger is an empty page
    Given a merchant has signed up
    When the merchant asks for the ledger with the furthest start
    Then the merchant is shown an empty page of the ledger
