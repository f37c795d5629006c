"""Free allowance, credits, packs and the subscription (issue 12, decision 0017)."""
