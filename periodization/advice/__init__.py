"""Today's session for a real athlete: ``periodize recommend``.

Owns: ``recommend`` (the whole path), ``coach`` (the trained actor or the safe fallback),
``drivers`` (what stands out, in words), ``agreement`` (what the drivers say limits the
prescription) and ``plan`` (the next days, simulated).
May import: ``policies`` and below; never torch.
"""
