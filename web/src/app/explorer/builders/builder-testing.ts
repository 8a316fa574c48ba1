import type { ComponentFixture } from '@angular/core/testing';

/** Inputs, selects and buttons alike: specs read `.value`, `.disabled` and `.type`, which all of them have. */
type Control = HTMLInputElement;

/** DOM helpers for the builders' specs: find by data-testid, then act as a person would. */
export function all(fixture: ComponentFixture<unknown>, testId: string): Control[] {
  const host = fixture.nativeElement as HTMLElement;
  return [...host.querySelectorAll<Control>(`[data-testid="${testId}"]`)];
}

export function one(fixture: ComponentFixture<unknown>, testId: string, index = 0): Control {
  const found = all(fixture, testId)[index];
  if (!found) throw new Error(`no ${testId}[${index}]`);
  return found;
}

export async function choose(fixture: ComponentFixture<unknown>, testId: string, value: string, index = 0) {
  const select = one(fixture, testId, index);
  select.value = value;
  select.dispatchEvent(new Event('change'));
  await fixture.whenStable();
}

export async function type(fixture: ComponentFixture<unknown>, testId: string, value: string, index = 0) {
  const input = one(fixture, testId, index);
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

export async function click(fixture: ComponentFixture<unknown>, testId: string, index = 0) {
  one(fixture, testId, index).click();
  await fixture.whenStable();
}
