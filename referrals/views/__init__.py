"""Pages of the referral workflow, one module for what a person does: ``wizard`` (refer a person
from their file), ``inbox`` (each organisation's referrals, live), ``referral`` (a referral's page
and the actions taken from it, with ``shared_person`` drawing what of the person it shows), and
``contributions`` (what the referrals add to other apps' pages).

Views read through selectors and write through services.
"""
