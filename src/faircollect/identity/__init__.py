"""Who is signed in and what they may do: staff, machine, borrower and development identities, roles and
permissions, API tokens, web sessions and CSRF tokens, password and single sign-on. See docs/identity.md."""
