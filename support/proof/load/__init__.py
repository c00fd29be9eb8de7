"""`make load`: many merchants at once through the money paths, then every penny accounted for."""

# The description of the load run's own charges, told apart from phone number charges.
LOAD_CHARGE = "Load run charge"
