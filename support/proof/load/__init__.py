"""`make load`: many merchants at once through the money paths, then every penny accounted for."""

# The description of the load run's own charges, told apart from phone number charges.
LOAD_CHARGE = "Load run charge"

# Every load merchant sells one product: its SKU, price and the stock it starts with, so that the
# consistency check knows what the stock must be after the run's orders and refunds.
LOAD_SKU = "LOAD-MUG"
LOAD_PRICE = 250
LOAD_STOCK = 60
