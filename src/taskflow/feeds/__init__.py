"""The calendar feed: a secret .ics URL per user with their open tasks that have a due date."""
