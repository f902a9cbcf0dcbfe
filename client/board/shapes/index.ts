import { DomainShapeUtil } from './DomainShapeUtil.tsx'
import { ItemShapeUtil } from './ItemShapeUtil.tsx'
import { ResidentShapeUtil } from './ResidentShapeUtil.tsx'

export { DomainShapeUtil, ItemShapeUtil, ResidentShapeUtil }
export const boardShapeUtils = [DomainShapeUtil, ResidentShapeUtil, ItemShapeUtil] as const
