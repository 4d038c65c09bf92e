"""The HTML report of ``periodize compare``: figures, verdict sentences, sections.

Owns: ``build`` (``compare_and_report``), ``sections``, ``html``, ``figures``, ``plots``,
``plot_style``, ``verdicts``.
May import: ``evaluation`` and everything below it; not ``advice`` (independent).
"""
