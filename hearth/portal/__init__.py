"""The agencies' side (DESIGN.md, `portal/`): the referrals a council sent to an agency, minimised to
what a provider needs to make an offer, and the agency's offers. No models of its own: the records
are `hearth.search.AgencyRequest` and `hearth.search.Offer`."""
