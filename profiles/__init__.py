"""The workshop and the profiles: the six steps, profile versions, the reps' pages and API,
reviews. May import portfolio and icp_site; nothing imports profiles."""
