"""Practice and assessment: score a learner's rupture marks against the expert track, rate.

``scoring`` matches marks to expert onsets and computes the figures; ``cohort`` sums them up
across learners; ``agreement`` holds the chance-corrected agreement statistics; ``ratings``
builds 3RS-style rating sheets; ``marks`` reads marks from CSV; ``chapters`` scores each
chapter at its end when a track asks for feedback per chapter. All pure: no Streamlit, no
database, integer milliseconds.
"""
