"""A strict local fake of the Stripe API (decision 0017). Imports nothing from the product."""
