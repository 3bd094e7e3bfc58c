"""The workshop and its six steps: definitions (`steps`), saving, steps 1-3, live refresh and
presence, the pages' common parts; steps 4-5 in `tables`, step 6 in `draft`.
Imports profiles.versions, portfolio and the shell; `views` and `urls` sit on top."""
