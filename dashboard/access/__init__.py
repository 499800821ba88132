"""Who is looking: sign-in and the roles that decide which pages they get."""
