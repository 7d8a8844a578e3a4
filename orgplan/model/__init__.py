"""What orgplan works on and produces: the company profile, its places, seats while planning, and the finished plan."""
