"""Practice and assessment: score a learner's rupture marks against the expert track, rate.

``scoring`` matches marks to expert onsets and computes the figures; ``agreement`` holds the
chance-corrected agreement statistics; ``ratings`` builds 3RS-style rating sheets. All pure:
no Streamlit, no database, integer milliseconds.
"""
