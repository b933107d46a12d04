"""Origination (进件与审批): applications, identity checks, policy rules, the A-card, cut-offs, offers and reasons."""
