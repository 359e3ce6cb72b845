"""The year-end scoring screens: scores, rankings, rules, proposals, a cluster leader's members."""
