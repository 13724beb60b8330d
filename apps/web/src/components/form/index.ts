// The shared form parts: every form field goes through Field (label, hint, error, aria wiring).
export { Field, type FieldLayout, type FieldProps } from './Field';
export { FilterSelect, type FilterOption } from './FilterSelect';
export { ErrorBox } from './ErrorBox';
export { SubmitButton } from './SubmitButton';
