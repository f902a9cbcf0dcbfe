/** An on/off switch (role="switch"): one button whose state is read out as on or off. */
export function Switch({ on, onChange, label, testId, disabled }: {
  on: boolean; onChange(on: boolean): void; label: string; testId?: string; disabled?: boolean
}) {
  return (
    <button type="button" role="switch" aria-checked={on} className="switch" data-testid={testId} disabled={disabled}
      onClick={() => onChange(!on)}>
      <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
      <span className="switch-label">{label}</span>
    </button>
  )
}
