"""Running the meeting: the agenda and the facilitator's notes, the room the facilitator moves
and its timer, the participants' functions and the check-list before step 6 is saved, the
presenting view, and the meeting pack (PDF and slides). May import the workshop and below."""
