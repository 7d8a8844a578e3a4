"""From a profile to a plan: the rules run, the structure built, pay set; growth and gaps over plans."""
