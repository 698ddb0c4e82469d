"""The official sanctions and export-control lists: their entries as one model, parsed from
each publisher's own format (``newswatch/sanctions/<list>.py``), kept when they concern
China, Hong Kong or Russia's war (``model.concerns``)."""
